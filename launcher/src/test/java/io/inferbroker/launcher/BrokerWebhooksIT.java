package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A whole broker delivers a job's own webhook, signed with the tenant's job-webhook secret. */
@ExtendWith(InfraExtension.class)
class BrokerWebhooksIT {
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    record Received(Map<String, String> headers, String body) {}

    @Test
    void shouldDeliverASignedJobSucceededMessageToTheJobsWebhook(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        List<Received> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                received.add(new Received(
                        Map.of(
                                "webhook-id", ex.getRequestHeaders().getFirst("webhook-id"),
                                "webhook-timestamp", ex.getRequestHeaders().getFirst("webhook-timestamp"),
                                "webhook-signature", ex.getRequestHeaders().getFirst("webhook-signature")),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        try (TestBroker broker = TestBroker.start(
                kafka,
                pg,
                dir,
                Map.of("BROKER_WEBHOOKS_ALLOW_LIST", "127.0.0.1", "BROKER_WEBHOOKS_SCHEDULE", "100ms,100ms"))) {
            HttpTestClient api = HttpTestClient.of(broker.base);
            String secret = api.post("/v1/webhooks/job-secret/rotate", broker.key, "")
                    .json()
                    .get("secret")
                    .asText();
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            var submitted = api.post(
                    "/v1/jobs",
                    broker.key,
                    "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"hi there\","
                            + "\"max_tokens\":4},\"webhook\":{\"url\":\"" + url + "\"}}");
            assertThat(submitted.statusCode()).isEqualTo(202);
            String jobId = submitted.json().get("id").asText();

            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
            Received r = received.getFirst();
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.get("type").asText()).isEqualTo("job.succeeded");
            assertThat(body.get("data").get("id").asText()).isEqualTo(jobId);
            assertThat(verifies(secret, r)).isTrue();

            // The receiver holds the message before it answers; the attempt is recorded after.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode log = api.get("/v1/webhook-deliveries?job_id=" + jobId, broker.key)
                        .json()
                        .get("data");
                assertThat(log).hasSize(1);
                assertThat(log.get(0).get("id").asText()).isEqualTo(r.headers().get("webhook-id"));
                assertThat(log.get(0).get("status").asText()).isEqualTo("delivered");
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void shouldReportNotReadyWhileTheWebhookDispatcherCannotClaimMessages(KafkaInfra kafka, PostgresInfra pg)
            throws Exception {
        try (TestBroker broker = TestBroker.start(kafka, pg, dir, Map.of());
                Connection db = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            HttpTestClient api = HttpTestClient.of(broker.base);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(api).equals("up"));

            db.createStatement().execute("alter table webhook_deliveries rename to webhook_deliveries_away");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(api).equals("down"));
            assertThat(api.get("/health/ready", null).statusCode()).isEqualTo(503);

            db.createStatement().execute("alter table webhook_deliveries_away rename to webhook_deliveries");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(api).equals("up"));
        }
    }

    private static String dispatcherCheck(HttpTestClient api) throws IOException, InterruptedException {
        return api.get("/health/ready", null)
                .json()
                .path("checks")
                .path("webhook-dispatcher")
                .asText("absent");
    }

    /** Standard Webhooks v1, from the specification: HMAC-SHA256 of "id.timestamp.body" under the whsec_ key. */
    private static boolean verifies(String secret, Received r) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal(
                (r.headers().get("webhook-id") + "." + r.headers().get("webhook-timestamp") + "." + r.body())
                        .getBytes(StandardCharsets.UTF_8));
        for (String sig : r.headers().get("webhook-signature").split(" ")) {
            if (sig.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig.substring(3)))) {
                return true;
            }
        }
        return false;
    }
}
