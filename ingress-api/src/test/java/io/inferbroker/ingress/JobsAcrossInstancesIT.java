package io.inferbroker.ingress;

import static io.inferbroker.testkit.http.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.api.StoreUnavailableException;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The jobs API as several ingress instances on one database serve it, and what clients hear when a
 * dependency fails: idempotency keys hold across instances, an unreachable database answers 503, and
 * a submit Kafka refused answers 503 even when its key cannot be released.
 */
@ExtendWith(InfraExtension.class)
class JobsAcrossInstancesIT {
    private static final List<ModelInfo> MODELS =
            List.of(new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, "simulator"));
    private static final String BODY = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"once\"}}";

    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private KafkaInfra kafka;
    private PostgresInfra pg;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> requests;
    private KafkaProducer<String, ControlCommand> control;
    private String key;
    private String tenant;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        this.pg = pg;
        db = open(StoreDatabase.open(config(), registry()));
        tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        requests = open(new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED));
        control = open(new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void shouldAnswerAKeysJobOnAnotherInstanceWith202WhileItRuns() throws Exception {
        HttpTestClient one = api(server(IngressPorts.of(requests, control, kafka.clientProps(), db, "")));
        HttpTestClient two = api(server(IngressPorts.of(requests, control, kafka.clientProps(), db, "")));
        var first = one.send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-shared");
        assertThat(first.statusCode()).isEqualTo(202);
        String id = first.json().get("id").asText();
        markRunning(id);

        var repeat = two.send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-shared");

        assertThat(repeat.statusCode())
                .as("not finished: 202, as for a new job")
                .isEqualTo(202);
        JsonNode job = repeat.json();
        assertThat(job.get("id").asText()).isEqualTo(id);
        assertThat(job.get("status").asText()).isEqualTo("running");
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(two.send("POST", "/v1/jobs", key, BODY.replace("once", "twice"), "Idempotency-Key", "k-shared")
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void shouldAnswer503WhenTheDatabaseIsUnreachable() throws Exception {
        StoreDatabase lost = StoreDatabase.open(config(), registry());
        HttpTestClient lostApi = api(server(IngressPorts.of(requests, control, kafka.clientProps(), lost, "admin")));
        lost.close();

        for (var response : List.of(lostApi.get("/v1/jobs", key), lostApi.get("/admin/tenants", "admin"))) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertProblem(response, "unavailable");
        }
    }

    @Test
    void shouldAnswer503ForARefusedSubmitEvenWhenItsKeyCannotBeReleased() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "900");
        var dead = open(new KafkaProducer<>(p, new StringSerializer(), WireSerdes.JOB_REQUESTED));
        var claims = new UnreleasableClaims();
        var ports = new IngressPorts(
                dead,
                control,
                kafka.clientProps(),
                db.jobs(),
                db.apiKeys(),
                "",
                db.tenantLimits(),
                AdmissionConfig.unlimited(),
                claims,
                db.webhooks());

        var response = api(server(ports)).send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-stuck");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.json().get("detail").asText()).contains("could not be queued");
        assertThat(claims.releasedOnVirtualThread)
                .as("released off Kafka's and the JDK's timer threads")
                .isTrue();
    }

    @Test
    void shouldProduceTheJobOfAClaimThatOutlivedItsSubmitWhenTheRequestIsRepeated() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "900");
        var dead = open(new KafkaProducer<>(p, new StringSerializer(), WireSerdes.JOB_REQUESTED));
        // The claim is committed and never released: as when the process died before Kafka answered.
        var claims = new UnreleasableClaims(db.idempotency());
        var lost = new IngressPorts(
                dead,
                control,
                kafka.clientProps(),
                db.jobs(),
                db.apiKeys(),
                "",
                db.tenantLimits(),
                AdmissionConfig.unlimited(),
                claims,
                db.webhooks());
        assertThat(api(server(lost))
                        .send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-lost")
                        .statusCode())
                .isEqualTo(503);
        HttpTestClient other = api(server(IngressPorts.of(requests, control, kafka.clientProps(), db, "")));

        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED.deserializer())) {
            var retry = other.send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-lost");

            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
            String id = retry.json().get("id").asText();
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
            var produced =
                    probe.awaitUntil(seen -> seen.stream().anyMatch(r -> r.key().equals(id)), Duration.ofSeconds(30));
            assertThat(produced)
                    .filteredOn(r -> r.key().equals(id))
                    .singleElement()
                    .satisfies(r -> assertThat(r.value().idempotencyKey()).isEqualTo("k-lost"));
        }
        var again = other.send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-lost");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.json().get("id").asText())
                .as("the same job, not a new one")
                .isEqualTo(other.send("POST", "/v1/jobs", key, BODY, "Idempotency-Key", "k-lost")
                        .json()
                        .get("id")
                        .asText());
    }

    /** Claims keys (every one, or through a store), and fails to release one, as when PostgreSQL went away. */
    private static final class UnreleasableClaims implements IdempotencyStore {
        private final @Nullable IdempotencyStore claims;
        volatile @Nullable Boolean releasedOnVirtualThread;

        UnreleasableClaims() {
            this(null);
        }

        UnreleasableClaims(@Nullable IdempotencyStore claims) {
            this.claims = claims;
        }

        @Override
        public Claim claim(
                String tenantId, String key, String requestHash, String jobId, JsonNode job, byte[] request) {
            return claims == null ? new Claim.Claimed() : claims.claim(tenantId, key, requestHash, jobId, job, request);
        }

        @Override
        public void produced(String tenantId, String key, String jobId) {
            throw new AssertionError("nothing was produced");
        }

        @Override
        public void release(String tenantId, String key, String jobId) {
            releasedOnVirtualThread = Thread.currentThread().isVirtual();
            throw new StoreUnavailableException("PostgreSQL at test is unavailable", new IllegalStateException());
        }
    }

    private void markRunning(String id) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                PreparedStatement s = c.prepareStatement("""
                        insert into jobs (id, tenant_id, model, status, status_rank, request_received, created_at,
                                          started_at, updated_at)
                        values (?, ?, 'sim-echo', 'running', 2, true, now(), now(), now())""")) {
            s.setString(1, id);
            s.setString(2, tenant);
            s.executeUpdate();
        }
    }

    private IngressServer server(IngressPorts ports) {
        IngressConfig config =
                new IngressConfig("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(2), "", kafka.topics(), MODELS);
        return open(IngressServer.startApi(config, ports, List.of(), registry(), Clock.systemUTC()));
    }

    private StoreConfig config() {
        return new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema());
    }

    private static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    private static HttpTestClient api(IngressServer server) {
        return HttpTestClient.of("http://127.0.0.1:" + server.port());
    }

    private <T extends AutoCloseable> T open(T resource) {
        open.add(resource);
        return resource;
    }
}
