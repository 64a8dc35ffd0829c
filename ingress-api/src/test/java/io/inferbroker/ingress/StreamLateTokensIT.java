package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.ResultSink;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job's result and its tokens travel on different topics, and the result can be readable first
 * (its partition acknowledged before theirs). A stream of the job still sends every token before
 * {@code done}: it waits for the tokens the result overtook, whether it was open when the result
 * came or opened once the job was stored as finished.
 */
@ExtendWith(InfraExtension.class)
class StreamLateTokensIT {
    private static final List<ModelInfo> MODELS =
            List.of(new ModelInfo("sim-echo", "inferbroker", JobKind.CHAT, true, "simulator"));
    private static final String BODY = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"late tokens\"}}";
    private static final List<String> TOKENS = List.of("late", " tokens", " still", " arrive");

    private final ObjectMapper mapper = new ObjectMapper();
    private KafkaInfra kafka;
    private StoreDatabase db;
    private KafkaProducer<String, JobRequested> requests;
    private KafkaProducer<String, ControlCommand> control;
    private KafkaProducer<String, JobResult> results;
    private KafkaProducer<String, TokenDelta> tokens;
    private PrometheusMeterRegistry registry;
    private IngressServer server;
    private HttpTestClient api;
    private String key;
    private String tenant;

    @BeforeEach
    void start(KafkaInfra kafka, PostgresInfra pg) {
        this.kafka = kafka;
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 4, pg.schema()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        tenant = db.apiKeys().createTenant("acme");
        key = db.apiKeys().issueKey(tenant).secret();
        requests = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_REQUESTED);
        control = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        results = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.JOB_RESULT);
        tokens = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.TOKEN_DELTA);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngressConfig config =
                new IngressConfig("127.0.0.1", 0, 64 * 1024, Duration.ofSeconds(5), "", kafka.topics(), MODELS);
        server = IngressServer.startApi(
                config,
                IngressPorts.of(requests, control, kafka.clientProps(), db, ""),
                List.of(),
                registry,
                Clock.systemUTC());
        api = HttpTestClient.of("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        tokens.close();
        results.close();
        requests.close();
        control.close();
        db.close();
    }

    @Test
    void shouldSendTheTokensAResultOvertookBeforeDoneOnAnOpenStream() throws Exception {
        String id = submit();
        Iterator<String> lines = open(id);
        assertThat(nextEvent(lines).event()).as("the job's status, first").isEqualTo("status");

        publishResult(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> lateTokenStreams() >= 1);
        publishTokens(id);

        assertStreamsEveryTokenThenDone(lines);
    }

    @Test
    void shouldSendTheTokensAResultOvertookWhenTheStreamOpensOnAStoredJob() throws Exception {
        String id = submit();
        try (ResultSink sink = startSink()) {
            publishResult(id);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(id).equals("succeeded") && stored(id));
        }
        Iterator<String> lines = open(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> lateTokenStreams() >= 1);
        publishTokens(id);

        assertStreamsEveryTokenThenDone(lines);
    }

    private void assertStreamsEveryTokenThenDone(Iterator<String> lines) throws Exception {
        List<String> streamed = new ArrayList<>();
        Event e = nextEvent(lines);
        while (e.event().equals("status") || e.event().equals("token")) {
            if (e.event().equals("token")) {
                streamed.add(mapper.readTree(e.data()).get("text").asText());
            }
            e = nextEvent(lines);
        }
        assertThat(e.event()).isEqualTo("done");
        JsonNode job = mapper.readTree(e.data());
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(streamed).as("every token, in order, before done").isEqualTo(TOKENS);
        assertThat(String.join("", streamed))
                .isEqualTo(job.get("output").get("text").asText());
    }

    private record Event(String event, String data) {}

    private static Event nextEvent(Iterator<String> lines) {
        String event = "";
        StringBuilder data = new StringBuilder();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty() && !event.isEmpty()) {
                return new Event(event, data.toString());
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).trim());
            }
        }
        throw new AssertionError("the stream ended without another event");
    }

    private String submit() throws Exception {
        Answer accepted = api.post("/v1/jobs", key, BODY);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return accepted.json().get("id").asText();
    }

    private Iterator<String> open(String id) throws Exception {
        HttpResponse<Stream<String>> response = api.sendAsync(
                        api.request("GET", "/v1/jobs/" + id + "/stream", key, null)
                                .build(),
                        HttpResponse.BodyHandlers.ofLines())
                .get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().iterator();
    }

    private void publishResult(String id) throws Exception {
        Instant now = Instant.now();
        JobResult result = new JobResult(
                JobResult.VERSION,
                id,
                tenant,
                "sim-echo",
                JobStatus.SUCCEEDED,
                JsonNodeFactory.instance.objectNode().put("text", String.join("", TOKENS)),
                null,
                null,
                null,
                "worker-1",
                1,
                new Timings(now, now, now, now, now));
        results.send(new ProducerRecord<>(kafka.topics().results(), id, result)).get();
    }

    private void publishTokens(String id) throws Exception {
        for (int i = 0; i < TOKENS.size(); i++) {
            tokens.send(new ProducerRecord<>(
                    kafka.topics().tokens(),
                    id,
                    new TokenDelta(TokenDelta.VERSION, id, 1, i + 1, 0, TOKENS.get(i), Instant.now())));
        }
        tokens.flush();
    }

    private ResultSink startSink() {
        ResultSink sink = new ResultSink(
                db,
                kafka.topics(),
                kafka.clientProps(),
                kafka.topics().prefix() + "sink",
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());
        sink.start();
        return sink;
    }

    private boolean stored(String id) {
        return db.jobs().find(tenant, id).isPresent();
    }

    private String status(String id) throws Exception {
        return api.get("/v1/jobs/" + id, key).json().path("status").asText();
    }

    private double lateTokenStreams() {
        var counter = registry.find("broker.ingress.stream.late_tokens").counter();
        return counter == null ? 0 : counter.count();
    }
}
