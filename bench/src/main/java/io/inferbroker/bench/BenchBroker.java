package io.inferbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What every benchmark does with the broker under test before measuring. */
final class BenchBroker {
    static final String ADMIN_KEY = "bench-admin";

    private BenchBroker() {}

    /** Creates a tenant through the admin API and returns its API key. */
    static String apiKey(String base) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/admin/tenants"))
                                .header("Authorization", "Bearer " + ADMIN_KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("cannot create the bench tenant: " + created.body());
        }
        return new ObjectMapper()
                .readTree(created.body())
                .get("api_key")
                .get("secret")
                .asText();
    }

    /**
     * Waits until {@code /health/ready} answers 200: consumer groups settle a few seconds after
     * start, and a broker started in another process may not even listen yet.
     */
    static void awaitReady(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (status(http, base + "/health/ready") != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not become ready within 120 s");
            }
            new CountDownLatch(1).await(200, TimeUnit.MILLISECONDS);
        }
    }

    private static int status(HttpClient http, String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException notListeningYet) {
            return -1;
        }
    }
}
