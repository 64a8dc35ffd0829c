package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stopping ingress answers what it holds: a submit held by {@code Prefer: wait} gets its 202 with
 * the job, an open stream ends so its client can resume elsewhere, and the stop does not wait for
 * either to run out of time. Nothing is cut into an empty or missing answer.
 */
@ExtendWith(InfraExtension.class)
class IngressDrainIT {
    private static final List<ModelInfo> MODELS =
            List.of(new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, "simulator"));
    private static final String BODY = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"held\"}}";

    private KafkaInfra kafka;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> requests;
    private KafkaProducer<String, ControlCommand> control;
    private String key;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        db = StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema()), registry());
        String tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        requests = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
    }

    @AfterEach
    void stop() {
        requests.close();
        control.close();
        db.close();
    }

    @Test
    void shouldAnswerHeldSubmitsAndEndOpenStreamsWhenItStops() throws Exception {
        IngressConfig config =
                new IngressConfig("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(5), "", kafka.topics(), MODELS);
        IngressServer server = IngressServer.startApi(
                config,
                IngressPorts.of(requests, control, kafka.clientProps(), db, ""),
                List.of(),
                registry(),
                Clock.systemUTC());
        HttpTestClient api = HttpTestClient.of("http://127.0.0.1:" + server.port());
        try (var probe = kafka.probe(kafka.topics().requests(), WireSerdes.JOB_REQUESTED.deserializer())) {
            Answer accepted = api.post("/v1/jobs", key, BODY);
            String streamed = accepted.json().get("id").asText();
            CompletableFuture<HttpResponse<Stream<String>>> stream = api.sendAsync(
                    api.request("GET", "/v1/jobs/" + streamed + "/stream", key, null)
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            var lines = stream.get(30, TimeUnit.SECONDS).body().iterator();
            assertThat(lines.hasNext()).as("the stream is open").isTrue();
            // No dispatcher runs: the held job never finishes, and the hold lasts longer than a stop may.
            CompletableFuture<Answer> held = api.sendAsync("POST", "/v1/jobs", key, BODY, "Prefer", "wait=60");
            probe.awaitUntil(seen -> seen.size() == 2, Duration.ofSeconds(30));

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);

            Answer answer = held.get(IngressServer.DRAIN.toSeconds() - 5, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(202);
            JsonNode job = answer.json();
            assertThat(job.get("id").asText()).isNotBlank();
            assertThat(job.get("status").asText()).isEqualTo("queued");
            assertThat(answer.headers().firstValue("Preference-Applied")).isPresent();
            lines.forEachRemaining(line -> {}); // the stream ends rather than being held open
            stopped.get(IngressServer.DRAIN.toSeconds() - 5, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    private static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
}
