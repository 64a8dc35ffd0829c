package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.testkit.upstream.Scenario;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A whole broker, run through successes and failures with distinctive secrets and prompts, logs
 * neither: every log event of the process (every logger, at the levels the broker ships with,
 * stack traces included) is captured from before the start to after the stop, and searched for
 * the API keys, the admin key, the webhook signing secrets, the model server's API key and the
 * prompts.
 */
@ExtendWith(InfraExtension.class)
class LogHygieneIT {

    @TempDir
    Path dir;

    /** Every log event, formatted with its stack trace. */
    static final class Capture extends AppenderBase<ILoggingEvent> {
        private final StringBuffer text = new StringBuffer();
        private final PatternLayout layout = new PatternLayout();

        Capture(LoggerContext context) {
            setContext(context);
            setName("log-hygiene-capture");
            layout.setContext(context);
            layout.setPattern("%-5level [%thread] %logger %mdc - %msg%n%ex{full}");
            layout.start();
        }

        @Override
        protected void append(ILoggingEvent event) {
            text.append(layout.doLayout(event));
        }

        String text() {
            return text.toString();
        }
    }

    private final String run = UUID.randomUUID().toString().replace("-", "");
    private final String prompt = "PROMPT" + run + "sunflower";
    private final String adminKey = "ADMINKEY" + run;
    private final String upstreamKey = "sk-UPSTREAM" + run;
    /** Every secret and prompt of the run: none may be in the logs. */
    private final List<String> secrets = new ArrayList<>(List.of(prompt, adminKey, upstreamKey));

    private TestBroker broker;
    private HttpTestClient api;
    private String hook;

    @Test
    void shouldLogNoSecretAndNoPromptThroughSuccessesAndFailures(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Capture capture = new Capture(context);
        capture.start();
        root.addAppender(capture);

        FakeOpenAiServer upstream = FakeOpenAiServer.start();
        HttpServer failingReceiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        failingReceiver.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            ex.sendResponseHeaders(500, -1);
            ex.close();
        });
        failingReceiver.start();
        hook = "http://127.0.0.1:" + failingReceiver.getAddress().getPort() + "/hook";
        try {
            runBroker(kafka, pg, upstream);
        } finally {
            root.detachAppender(capture);
            capture.stop();
            upstream.close();
            failingReceiver.stop(0);
        }

        String logs = capture.text();
        assertThat(logs)
                .as("the run logged its failures, so the search below means something")
                .containsPattern("skip.*dead.letters");
        for (String secret : secrets) {
            assertThat(secret).isNotBlank();
            assertThat(logs).as("the logs hold %s", secret).doesNotContain(secret);
            if (secret.startsWith("whsec_")) {
                assertThat(logs).doesNotContain(secret.substring("whsec_".length()));
            }
        }
        assertThat(logs).as("the prompt's distinctive part").doesNotContain(run + "sunflower");
    }

    private void runBroker(KafkaInfra kafka, PostgresInfra pg, FakeOpenAiServer upstream) throws Exception {
        String yaml = """
                models:
                  - id: sim-echo
                    max_queue_delay_ms: 5
                  - id: upstream-chat
                    max_queue_delay_ms: 5
                workers:
                  - id: sim-1
                    models: [sim-echo]
                    time_scale: 0.02
                  - id: upstream-1
                    adapter: openai
                    models: [upstream-chat]
                    base_url: %s
                    api_key_env: LOG_TEST_UPSTREAM_KEY
                """.formatted(upstream.baseUrl());
        try (TestBroker started = TestBroker.start(
                kafka,
                pg,
                dir,
                Map.of(
                        "BROKER_ADMIN_KEY", adminKey,
                        "LOG_TEST_UPSTREAM_KEY", upstreamKey,
                        "BROKER_WEBHOOKS_ALLOW_LIST", "127.0.0.1",
                        "BROKER_WEBHOOKS_SCHEDULE", "50ms,50ms",
                        "BROKER_HTTP_SYNC_TIMEOUT_MS", "20000",
                        "BROKER_HTTP_MAX_BODY_BYTES", "4096"),
                yaml)) {
            broker = started;
            api = HttpTestClient.of(broker.base).withTimeout(Duration.ofSeconds(40));
            secrets.add(broker.key);
            useKeys();
            useWebhookSecrets();
            String ok = submitGoodJob();
            String failing = failOnTheModelServer(upstream);
            sendBadRequests();
            poisonTheRequestsTopic(kafka);

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> terminal(ok) && terminal(failing));
            try (var letters = kafka.probe(kafka.topics().deadLetters(), WireSerdes.DEAD_LETTER)) {
                letters.awaitCount(2, Duration.ofSeconds(30));
            }
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> api
                            .send("GET", "/v1/webhook-deliveries?job_id=" + ok, broker.key, null)
                            .json()
                            .path("data")
                            .findValues("attempts")
                            .stream()
                            .anyMatch(a -> a.asInt() >= 2));
        }
    }

    /** A second tenant, an issued key, a rotation and a revocation. */
    private void useKeys() throws Exception {
        JsonNode tenant =
                api.post("/admin/tenants", adminKey, "{\"name\":\"second\"}").json();
        secrets.add(tenant.at("/api_key/secret").asText());
        String tenantId = tenant.get("id").asText();
        JsonNode issued = api.send("POST", "/admin/tenants/" + tenantId + "/keys", adminKey, null)
                .json();
        secrets.add(issued.get("secret").asText());
        JsonNode rotated = api.post(
                        "/admin/keys/" + issued.get("id").asText() + "/rotate", adminKey, "{\"grace_seconds\":0}")
                .json();
        secrets.add(rotated.at("/new_key/secret").asText());
        api.send("POST", "/admin/keys/" + tenant.at("/api_key/id").asText() + "/revoke", adminKey, null);
    }

    /** A subscription (and its rotation) and the per-job secret, signing deliveries to a failing receiver. */
    private void useWebhookSecrets() throws Exception {
        JsonNode sub = api.post("/v1/webhooks", broker.key, "{\"url\":\"" + hook + "\",\"events\":[\"job.*\"]}")
                .json();
        secrets.add(sub.get("secret").asText());
        String rotate = "/v1/webhooks/" + sub.get("id").asText() + "/rotate-secret";
        secrets.add(api.post(rotate, broker.key, "{}").json().get("secret").asText());
        secrets.add(api.send("POST", "/v1/webhooks/job-secret/rotate", broker.key, null)
                .json()
                .get("secret")
                .asText());
    }

    private String submitGoodJob() throws Exception {
        return api.post(
                        "/v1/jobs",
                        broker.key,
                        "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + prompt
                                + "\",\"max_tokens\":4},\"webhook\":{\"url\":\"" + hook + "\"},"
                                + "\"metadata\":{\"note\":\"" + prompt + "\"}}")
                .json()
                .get("id")
                .asText();
    }

    /** A model server that fails, echoing the prompt in its errors; a job and a synchronous call. */
    private String failOnTheModelServer(FakeOpenAiServer upstream) throws Exception {
        upstream.enqueue(
                new Scenario.Error(400, "cannot serve " + prompt),
                new Scenario.Error(500, "internal failure on " + prompt),
                new Scenario.Error(500, "internal failure on " + prompt),
                new Scenario.Error(500, "internal failure on " + prompt));
        String failing = api.post(
                        "/v1/jobs",
                        broker.key,
                        "{\"model\":\"upstream-chat\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\""
                                + prompt + "\"}]}}")
                .json()
                .get("id")
                .asText();
        var sync = api.post(
                "/v1/chat/completions",
                broker.key,
                "{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
        assertThat(sync.statusCode()).as(sync.body()).isGreaterThanOrEqualTo(200);
        return failing;
    }

    /** Wrong keys, and bodies carrying the prompt that are not JSON, name no model, are too large. */
    private void sendBadRequests() throws Exception {
        String wrongKey = "ib_WRONG" + run;
        secrets.add(wrongKey);
        assertThat(api.get("/v1/jobs", wrongKey).statusCode()).isEqualTo(401);
        String wrongAdmin = "WRONGADMIN" + run;
        secrets.add(wrongAdmin);
        assertThat(api.get("/admin/tenants", wrongAdmin).statusCode()).isEqualTo(401);
        assertThat(api.get("/admin/tenants", broker.key).statusCode()).isEqualTo(401);
        assertThat(api.post("/v1/jobs", broker.key, "{\"model\":\"sim-echo\",\"input\":{\"" + prompt)
                        .statusCode())
                .isEqualTo(400);
        assertThat(api.post("/v1/jobs", broker.key, "{\"model\":\"" + prompt + "\",\"input\":{}}")
                        .statusCode())
                .isEqualTo(422);
        assertThat(api.post("/v1/chat/completions", broker.key, "{\"model\":\"sim-echo\",\"messages\":" + prompt + "}")
                        .statusCode())
                .isEqualTo(400);
        String huge = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + prompt.repeat(200) + "\"}}";
        assertThat(api.post("/v1/jobs", broker.key, huge).statusCode()).isEqualTo(413);
    }

    /** Records holding the prompt that break the contract, for every role that reads the requests topic. */
    private void poisonTheRequestsTopic(KafkaInfra kafka) throws Exception {
        try (KafkaProducer<String, String> poison =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new StringSerializer())) {
            String topic = kafka.topics().requests();
            poison.send(new ProducerRecord<>(topic, "poison-1", prompt + " is not JSON"))
                    .get();
            poison.send(new ProducerRecord<>(
                            topic,
                            "poison-2",
                            "{\"schema_version\":1,\"job_id\":\"poison-2\",\"tenant_id\":\"t\",\"api_key_id\":\"k\","
                                    + "\"model\":\"sim-echo\",\"kind\":\"completion\",\"input\":{\"prompt\":\"" + prompt
                                    + "\"},\"priority\":\"" + prompt + "\",\"metadata\":{},"
                                    + "\"accepted_at\":\"2025-01-01T00:00:00Z\"}"))
                    .get();
        }
    }

    private boolean terminal(String id) throws IOException, InterruptedException {
        String status =
                api.get("/v1/jobs/" + id, broker.key).json().path("status").asText();
        return List.of("succeeded", "failed", "canceled", "expired").contains(status);
    }
}
