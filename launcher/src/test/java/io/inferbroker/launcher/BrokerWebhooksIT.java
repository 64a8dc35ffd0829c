package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private final HttpClient http = HttpClient.newHttpClient();

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
            String secret = mapper.readTree(
                            post(broker, "/v1/webhooks/job-secret/rotate", "").body())
                    .get("secret")
                    .asText();
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            var submitted = post(
                    broker,
                    "/v1/jobs",
                    "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"hi there\","
                            + "\"max_tokens\":4},\"webhook\":{\"url\":\"" + url + "\"}}");
            assertThat(submitted.statusCode()).isEqualTo(202);
            String jobId = mapper.readTree(submitted.body()).get("id").asText();

            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 1);
            Received r = received.getFirst();
            JsonNode body = mapper.readTree(r.body());
            assertThat(body.get("type").asText()).isEqualTo("job.succeeded");
            assertThat(body.get("data").get("id").asText()).isEqualTo(jobId);
            assertThat(verifies(secret, r)).isTrue();

            // The receiver holds the message before it answers; the attempt is recorded after.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode log = mapper.readTree(http.send(
                                        HttpRequest.newBuilder(URI.create(
                                                        broker.base + "/v1/webhook-deliveries?job_id=" + jobId))
                                                .header("Authorization", "Bearer " + broker.key)
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body())
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
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(broker).equals("up"));

            db.createStatement().execute("alter table webhook_deliveries rename to webhook_deliveries_away");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(broker).equals("down"));
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(broker.base + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(503);

            db.createStatement().execute("alter table webhook_deliveries_away rename to webhook_deliveries");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dispatcherCheck(broker).equals("up"));
        }
    }

    private String dispatcherCheck(TestBroker broker) throws IOException, InterruptedException {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(broker.base + "/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return mapper.readTree(body).path("checks").path("webhook-dispatcher").asText("absent");
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

    private HttpResponse<String> post(TestBroker broker, String path, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(broker.base + path))
                        .header("Authorization", "Bearer " + broker.key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
