package io.inferbroker.launcher;

import static io.inferbroker.testkit.http.ProblemAssert.assertThatProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.inferbroker.launcher.OpenApiOperations.Access;
import io.inferbroker.launcher.OpenApiOperations.Operation;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.PostgresInfra;
import io.inferbroker.testkit.http.Answer;
import io.inferbroker.testkit.http.HttpTestClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's security properties, checked on every route that {@code /openapi.json} describes, so a
 * route added to the document is checked too (or fails here until it is): another tenant's ids answer
 * 404 as unknown ones do and no list shows another tenant's rows; admin routes refuse tenant keys and
 * no key; every body over the limit answers 413; text the broker would store is refused at the edge
 * when it holds NUL, other control characters or unpaired surrogates.
 */
@ExtendWith(InfraExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiSecurityIT {
    private static final int MAX_BODY = 4096;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The owner's prompt (the simulator echoes it as the output, which only the owner may see). */
    private static final String PROMPT = "owner prompt " + java.util.UUID.randomUUID();

    /**
     * Tenant routes with a path parameter this test cannot give an owned id to, each with the reason.
     * A new route fails {@link #shouldAnswerAnotherTenantsIdsAsUnknownOnEveryRoute} until it has a
     * fixture in {@link #ids} or an entry here.
     */
    private static final Map<String, String> UNEXERCISED = Map.of();

    @TempDir
    static Path dir;

    private static TestBroker broker;
    private static HttpTestClient api;
    private static HttpServer receiver;
    private static List<Operation> operations;
    private static String ownerTenant;
    private static String otherKey;
    /** The owner's ids, by the collection a path parameter names ({@code jobs} for {@code /v1/jobs/{id}}). */
    private static Map<String, String> ids;
    /** Values for required query parameters that take an id. */
    private static Map<String, String> queryIds;

    @BeforeAll
    static void start(KafkaInfra kafka, PostgresInfra pg) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        broker = TestBroker.start(
                kafka,
                pg,
                dir,
                Map.of(
                        "BROKER_WEBHOOKS_ALLOW_LIST", "127.0.0.1",
                        "BROKER_WEBHOOKS_SCHEDULE", "100ms",
                        "BROKER_HTTP_MAX_BODY_BYTES", String.valueOf(MAX_BODY)));
        api = HttpTestClient.of(broker.base).withTimeout(Duration.ofSeconds(30));
        operations = OpenApiOperations.of(api.get("/openapi.json", null).json());

        JsonNode other = api.post("/admin/tenants", TestBroker.ADMIN, "{\"name\":\"other\"}")
                .json();
        otherKey = other.get("api_key").get("secret").asText();
        // The other tenant has rows of its own, so its lists are not empty by accident.
        submit(otherKey, "the other tenant's job", null);

        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        var subscription =
                api.post("/v1/webhooks", broker.key, "{\"url\":\"" + hook + "\",\"events\":[\"job.succeeded\"]}");
        assertThat(subscription.statusCode()).isEqualTo(201);
        String subscriptionId = subscription.json().get("id").asText();
        String jobId = submit(broker.key, PROMPT, hook);
        String deliveryId = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> {
                            JsonNode log = api.get("/v1/webhook-deliveries?job_id=" + jobId, broker.key)
                                    .json()
                                    .path("data");
                            return log.isEmpty() ? null : log.get(0).get("id").asText();
                        },
                        id -> id != null);
        ownerTenant = api.get("/admin/tenants", TestBroker.ADMIN)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asText();
        ids = Map.of("jobs", jobId, "webhooks", subscriptionId, "webhook-deliveries", deliveryId);
        queryIds = Map.of("job_id", jobId);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // its owner's calls delete and rotate what the other tests look at
    void shouldAnswerAnotherTenantsIdsAsUnknownOnEveryRoute() throws Exception {
        List<Operation> withIds = operations.stream()
                .filter(o -> o.access() == Access.TENANT && !o.pathParameters().isEmpty())
                .filter(o -> !UNEXERCISED.containsKey(o.name()))
                // The owner's own calls below: a delete last, so every other route still finds its id.
                .sorted(Comparator.comparing((Operation o) -> o.method().equals("DELETE")))
                .toList();
        assertThat(withIds).as("routes taking an id").isNotEmpty();
        List<String> checked = new ArrayList<>();
        for (Operation op : withIds) {
            String id = ids.get(op.collection());
            if (id == null) {
                fail(op.name() + " takes an id of '" + op.collection()
                        + "': give the test an id of that kind, or list the route in UNEXERCISED with a reason");
            }
            String body = op.body() ? "{}" : null;
            var foreign = api.send(op.method(), op.pathWith(id), otherKey, body);
            var unknown = api.send(op.method(), op.pathWith(unknownLike(id)), otherKey, body);
            assertThat(foreign.statusCode())
                    .as("%s with another tenant's id: %s", op.name(), foreign.body())
                    .isEqualTo(404);
            assertThatProblem(foreign).as("%s", op.name()).hasDetail();
            assertThat(foreign.json().get("title"))
                    .as("%s: another tenant's id answers as an unknown one", op.name())
                    .isEqualTo(unknown.json().get("title"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            checked.add(op.name());
        }
        // The ids are the right kind: their owner gets past the lookup on every one of these routes.
        for (Operation op : withIds) {
            var own = api.send(op.method(), op.pathWith(ids.get(op.collection())), broker.key, op.body() ? "{}" : null);
            assertThat(own.statusCode())
                    .as("%s with the owner's id: %s", op.name(), own.body())
                    .isNotEqualTo(404)
                    .isLessThan(500);
        }
        assertThat(checked)
                .contains("GET /v1/jobs/{id}", "GET /v1/webhooks/{id}", "POST /v1/webhook-deliveries/{id}/retry");
    }

    @Test
    void shouldListNoRowOfAnotherTenant() throws Exception {
        List<Operation> lists = operations.stream()
                .filter(o -> o.access() == Access.TENANT
                        && o.method().equals("GET")
                        && o.pathParameters().isEmpty())
                .toList();
        List<String> ownerSeesOwnRows = new ArrayList<>();
        for (Operation op : lists) {
            String path = op.path() + query(op);
            var foreign = api.get(path, otherKey);
            assertThat(foreign.statusCode())
                    .as("%s: %s", op.name(), foreign.body())
                    .isEqualTo(200);
            for (String id : ids.values()) {
                assertThat(foreign.body())
                        .as("%s answered to another tenant", op.name())
                        .doesNotContain(id)
                        .doesNotContain(ownerTenant);
            }
            String own = api.get(path, broker.key).body();
            if (ids.values().stream().anyMatch(own::contains)) {
                ownerSeesOwnRows.add(op.name());
            }
        }
        assertThat(ownerSeesOwnRows)
                .as("the lists show their owner the rows the other tenant must not see")
                .contains("GET /v1/jobs", "GET /v1/webhooks", "GET /v1/webhook-deliveries");
    }

    @Test
    void shouldShowAPromptToNoOneButItsOwnerAndNeverAsInput() throws Exception {
        List<String> looked = new ArrayList<>();
        for (Operation op : operations) {
            if (!op.method().equals("GET")) {
                continue;
            }
            Answer answer = switch (op.access()) {
                case TENANT ->
                    api.get(
                            op.pathWith(ids.getOrDefault(op.pathParameters().isEmpty() ? "" : op.collection(), "x"))
                                    + query(op),
                            otherKey);
                case ADMIN -> api.get(op.pathWith(ownerTenant), TestBroker.ADMIN);
                case PUBLIC -> api.get(op.pathWith("x"), null);
            };
            assertThat(answer.body())
                    .as("%s shows the owner's prompt", op.name())
                    .doesNotContain(PROMPT);
            looked.add(op.name());
        }
        assertThat(looked).contains("GET /admin/tenants", "GET /v1/jobs", "GET /admin/queues");
        // The owner's own read shows the job's output (here the echo), never its input.
        JsonNode own = api.get("/v1/jobs/" + ids.get("jobs"), broker.key).json();
        assertThat(own.has("input")).isFalse();
        assertThat(own.at("/output/text").asText()).isEqualTo(PROMPT);
    }

    @Test
    void shouldRefuseEveryAdminRouteWithoutTheAdminKey() throws Exception {
        List<Operation> admin =
                operations.stream().filter(o -> o.path().startsWith("/admin")).toList();
        assertThat(admin).isNotEmpty();
        for (Operation op : admin) {
            assertThat(op.access()).as("%s declares the admin key", op.name()).isEqualTo(Access.ADMIN);
            String path = op.pathWith(ownerTenant);
            String body = op.body() ? "{}" : null;
            for (String key : new String[] {null, broker.key, otherKey, TestBroker.ADMIN + "x", "x"}) {
                var refused = api.send(op.method(), path, key, body);
                assertThat(refused.statusCode())
                        .as("%s with %s", op.name(), key == null ? "no key" : "key " + key)
                        .isIn(401, 403);
                assertThatProblem(refused).as("%s", op.name()).hasDetail();
            }
        }
        for (Operation op : operations) {
            if (op.access() == Access.ADMIN) {
                assertThat(op.path()).as("admin routes live under /admin").startsWith("/admin/");
            }
        }
    }

    @Test
    void shouldRefuseEveryTenantRouteWithoutAKey() throws Exception {
        for (Operation op : operations) {
            if (op.access() != Access.TENANT) {
                continue;
            }
            var refused = api.send(op.method(), op.pathWith("x") + query(op), null, op.body() ? "{}" : null);
            assertThat(refused.statusCode()).as(op.name()).isEqualTo(401);
            if (!OPENAI_PATHS.contains(op.path())) {
                assertThatProblem(refused).as("%s", op.name()).hasDetail();
            }
        }
    }

    private static final List<String> OPENAI_PATHS =
            List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models");

    @Test
    void shouldAnswer413ToAnOverLimitBodyOnEveryRouteThatTakesOne() throws Exception {
        String big = "{\"pad\":\"" + "x".repeat(MAX_BODY) + "\"}";
        List<String> checked = new ArrayList<>();
        for (Operation op : operations) {
            if (!List.of("POST", "PUT", "PATCH").contains(op.method())) {
                continue;
            }
            String key = op.access() == Access.ADMIN ? TestBroker.ADMIN : broker.key;
            String path = op.access() == Access.ADMIN
                    ? op.pathWith(ownerTenant)
                    : op.pathWith(
                            Optional.ofNullable(ids.get(op.pathParameters().isEmpty() ? "" : op.collection()))
                                    .orElse("x"));
            for (boolean chunked : new boolean[] {false, true}) {
                var builder = api.request(op.method(), path, key, null)
                        .header("Content-Type", "application/json")
                        .method(
                                op.method(),
                                chunked
                                        ? HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))
                                        : HttpRequest.BodyPublishers.ofString(big));
                var answer = api.send(builder.build());
                String what = op.name() + (chunked ? " (chunked)" : "");
                assertThat(answer.statusCode())
                        .as("%s: %s", what, answer.body())
                        .isEqualTo(413);
                if (OPENAI_PATHS.contains(op.path())) {
                    assertThat(answer.json().at("/error/message").asText())
                            .as(what)
                            .contains("larger");
                } else {
                    assertThatProblem(answer).as("%s", what).hasDetail();
                }
            }
            checked.add(op.name());
        }
        assertThat(checked)
                .contains(
                        "POST /v1/jobs",
                        "POST /v1/chat/completions",
                        "POST /v1/embeddings",
                        "POST /v1/webhooks",
                        "POST /admin/tenants",
                        "PUT /admin/tenants/{id}/limits",
                        "POST /admin/replays");
    }

    @Test
    void shouldRefuseControlCharactersAndUnpairedSurrogatesAtTheEdgeNamingTheField() throws Exception {
        record Case(String path, String key, String body, String pointer) {}
        String job = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"hi\",\"max_tokens\":2},";
        List<Case> cases = List.of(
                new Case("/v1/jobs", broker.key, job + "\"metadata\":{\"k\\u0000\":\"v\"}}", "/metadata/k\u0000"),
                new Case("/v1/jobs", broker.key, job + "\"metadata\":{\"k\":\"a\\u0000b\"}}", "/metadata/k"),
                new Case("/v1/jobs", broker.key, job + "\"metadata\":{\"k\":\"a\\u0007b\"}}", "/metadata/k"),
                new Case("/v1/jobs", broker.key, job + "\"metadata\":{\"k\":\"a\\u0085b\"}}", "/metadata/k"),
                new Case("/v1/jobs", broker.key, job + "\"metadata\":{\"k\":\"a\\ud800b\"}}", "/metadata/k"),
                new Case(
                        "/v1/jobs",
                        broker.key,
                        "{\"model\":\"sim-echo\\u0000\",\"input\":{\"prompt\":\"hi\"}}",
                        "/model"),
                new Case(
                        "/v1/jobs",
                        broker.key,
                        job + "\"webhook\":{\"url\":\"http://127.0.0.1/h\\ud800\"}}",
                        "/webhook/url"),
                new Case(
                        "/v1/webhooks",
                        broker.key,
                        "{\"url\":\"http://127.0.0.1/h\\ud800\",\"events\":[\"job.*\"]}",
                        "/url"),
                new Case("/admin/tenants", TestBroker.ADMIN, "{\"name\":\"a\\u0000b\"}", "/name"),
                new Case("/admin/tenants", TestBroker.ADMIN, "{\"name\":\"a\\u001bb\"}", "/name"),
                new Case("/admin/tenants", TestBroker.ADMIN, "{\"name\":\"a\\udbffb\"}", "/name"));
        String tenantsBefore = api.get("/admin/tenants", TestBroker.ADMIN).body();
        String webhooksBefore = api.get("/v1/webhooks", broker.key).body();
        for (Case c : cases) {
            var answer = api.post(c.path(), c.key(), c.body());
            assertThat(answer.statusCode())
                    .as("%s %s: %s", c.path(), c.body(), answer.body())
                    .isEqualTo(422);
            assertThatProblem(answer).as("%s", c.path()).hasDetail();
            List<String> pointers = new ArrayList<>();
            answer.json()
                    .path("errors")
                    .forEach(e -> pointers.add(e.path("pointer").asText()));
            assertThat(pointers).as("%s %s", c.path(), c.body()).contains(c.pointer());
        }
        assertThat(api.get("/admin/tenants", TestBroker.ADMIN).body())
                .as("no tenant stored")
                .isEqualTo(tenantsBefore);
        assertThat(api.get("/v1/webhooks", broker.key).body())
                .as("no subscription stored")
                .isEqualTo(webhooksBefore);

        // The OpenAI-compatible routes take metadata too, and answer OpenAI's 400 naming it.
        var openAi = api.post(
                "/v1/chat/completions",
                broker.key,
                "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"metadata\":{\"k\":\"a\\u0001\"}}");
        assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(400);
        assertThat(openAi.json().at("/error/param").asText()).isEqualTo("metadata.k");

        // Text outside those characters is taken and kept exactly, astral characters included.
        var fine = api.post("/v1/jobs", broker.key, job + "\"metadata\":{\"grüße 👋\":\"ünïcødé 🚀 \\\"q\\\"\"}}");
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(202);
        String fineId = fine.json().get("id").asText();
        assertThat(api.get("/v1/jobs/" + fineId, broker.key)
                        .json()
                        .at("/metadata/grüße 👋")
                        .asText())
                .isEqualTo("ünïcødé 🚀 \"q\"");
    }

    @Test
    void shouldRefuseAnIdempotencyKeyWithControlCharactersNamingTheHeader() throws Exception {
        String body = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"hi\",\"max_tokens\":2}}";
        // Bytes HTTP forbids in a field value (C0 controls but tab, DEL): Jetty refuses the request.
        for (byte bad : new byte[] {0x01, 0x1b, 0x7f}) {
            String answer = rawPost("/v1/jobs", broker.key, body, "Idempotency-Key", new byte[] {'k', bad, 'y'});
            assertThat(answer).as("byte %02x", bad).startsWith("HTTP/1.1 400");
            assertThat(answer).as("byte %02x", bad).contains("Content-Type: application/problem+json");
        }
        // Bytes HTTP lets through (tab, obs-text such as 0x85, a C1 control in Latin-1): the broker
        // refuses them, naming the header. Java's HTTP client would not send these; a socket does.
        for (byte bad : new byte[] {'\t', (byte) 0x85}) {
            String answer = rawPost("/v1/jobs", broker.key, body, "Idempotency-Key", new byte[] {'k', bad, 'y'});
            assertThat(answer).as("byte %02x", bad).startsWith("HTTP/1.1 422");
            JsonNode problem = MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(problem.at("/errors/0/header").asText()).isEqualTo("Idempotency-Key");
        }
    }

    /** A request with one header given as raw bytes, over a plain socket; the whole answer as text. */
    private static String rawPost(String path, String key, String body, String header, byte[] value)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), broker.process.port())) {
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            var request = new java.io.ByteArrayOutputStream();
            request.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + payload.length + "\r\n" + header + ": ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            request.write(value);
            request.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            request.write(payload);
            // One write: the server may answer a malformed head and close before it reads the body.
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String query(Operation op) {
        if (op.requiredQuery().isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String name : op.requiredQuery()) {
            String value = queryIds.get(name);
            if (value == null) {
                fail(op.name() + " needs the query parameter " + name + ": give the test a value for it");
            }
            pairs.add(name + "=" + value);
        }
        return "?" + String.join("&", pairs);
    }

    /** An id of the same form as {@code id} that names nothing. */
    private static String unknownLike(String id) {
        char last = id.charAt(id.length() - 1);
        return id.substring(0, id.length() - 1) + (last == '0' ? '1' : '0');
    }

    private static String submit(String key, String prompt, String webhook) throws Exception {
        String hook = webhook == null ? "" : ",\"webhook\":{\"url\":\"" + webhook + "\"}";
        var response = api.post(
                "/v1/jobs",
                key,
                "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"" + prompt + "\",\"max_tokens\":64}" + hook + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String id = response.json().get("id").asText();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/v1/jobs/" + id, key)
                        .json()
                        .path("status")
                        .asText()
                        .equals("succeeded"));
        return id;
    }
}
