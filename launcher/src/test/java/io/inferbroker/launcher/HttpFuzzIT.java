package io.inferbroker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.launcher.RawHttp.Header;
import io.inferbroker.launcher.RawHttp.Response;
import io.inferbroker.schemas.FuzzTries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * Every operation of the broker's {@code /openapi.json}, read from the running broker, against
 * mutated requests: wrong types, missing and unknown fields, NUL and unpaired surrogates, huge
 * numbers, deep nesting, long strings, odd headers, methods and path segments ({@code %00}, encoded
 * slashes). One whole broker ({@code serve}: embedded Kafka and PostgreSQL, a simulated worker)
 * answers. For each request: an answer in time on a connection that stays up; never a 5xx; a 4xx is
 * a problem ({@code application/problem+json}), or OpenAI's error shape on the OpenAI routes, with
 * no stack trace or class name; and every job accepted reaches a final state that GET returns.
 *
 * <p>Each try sends one edit list to every operation, so the tries of a property are the inputs per
 * operation. {@code -Dfuzz.tries=100000} runs the long campaign.
 */
@AddLifecycleHook(FuzzTries.class)
class HttpFuzzIT {
    static final String ADMIN = "fuzz-admin-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Writes and reads requests as deep as the edits make them (Jackson stops at 1,000 levels by
     * default): how deep a body the broker takes is for the broker to say.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamWriteConstraints(
                    StreamWriteConstraints.builder().maxNestingDepth(10_000).build())
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(10_000).build())
            .build());

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> FINAL = Set.of("succeeded", "failed", "canceled", "expired", "rejected");
    private static final List<String> OPENAI =
            List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models");
    /** What a stack trace or a leaked class name looks like in a body. */
    private static final Pattern LEAK = Pattern.compile(
            "(?m)(^\\s*at [\\w$.]+\\(|Exception\\b|\\bjava\\.(lang|util|io)\\.|io\\.inferbroker\\.|org\\.eclipse\\.|"
                    + "com\\.fasterxml\\.|io\\.javalin\\.|org\\.apache\\.|<html|Stream(Read|Write)Constraints)");

    private static @Nullable Path dir;
    private static @Nullable BrokerProcess broker;
    private static int port;
    private static String key = "";
    private static final Map<String, String> IDS = new HashMap<>();
    private static List<Operation> operations = List.of();

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("http-fuzz-");
        Path config = Files.writeString(dir.resolve("broker.yaml"), """
                models:
                  - id: sim-echo
                    max_queue_delay_ms: 5
                  - id: sim-embed
                    kind: embedding
                    max_queue_delay_ms: 5
                  - id: sim-any
                    kind: generic
                    max_queue_delay_ms: 5
                workers:
                  - id: sim-1
                    models: [sim-echo, sim-embed, sim-any]
                    time_scale: 0.001
                """);
        BrokerConfig cfg = ConfigLoader.load(
                Map.of("port", "0", "data_dir", dir.resolve("data").toString()),
                Map.of("BROKER_ADMIN_KEY", ADMIN, "BROKER_HTTP_SYNC_TIMEOUT_MS", "10000"),
                Optional.of(config));
        broker = BrokerProcess.start(
                cfg, Role.all(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        port = broker.port();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/health/ready", "", null).status() == 200);

        JsonNode fuzz = json(call("POST", "/admin/tenants", "Bearer " + ADMIN, "{\"name\":\"fuzz\"}"));
        key = fuzz.at("/api_key/secret").asText();
        // The admin operations' path parameters name a tenant and key of their own, so that revoking
        // or limiting them leaves the fuzzing tenant's requests alone.
        JsonNode victim = json(call("POST", "/admin/tenants", "Bearer " + ADMIN, "{\"name\":\"victim\"}"));
        IDS.put("/admin/tenants/", victim.get("id").asText());
        IDS.put("/admin/keys/", victim.at("/api_key/id").asText());
        JsonNode job = json(
                call("POST", "/v1/jobs", "Bearer " + key, "{\"model\":\"sim-any\",\"input\":{\"text\":\"seed\"}}"));
        IDS.put("/v1/jobs/", job.get("id").asText());
        assertThat(finalStatus(job.get("id").asText())).isEqualTo("succeeded");
        subscribe();
        IDS.put("/v1/webhook-deliveries/", "whd_" + "0".repeat(26));
        JsonNode replay =
                json(call("POST", "/admin/replays", "Bearer " + ADMIN, "{\"kind\":\"cost\",\"from\":\"1h\"}"));
        IDS.put("/admin/replays/", replay.get("id").asText());
        operations = Operation.all(json(call("GET", "/openapi.json", "", null)));
        assertThat(operations).hasSizeGreaterThan(30);
    }

    private static void subscribe() throws RawHttp.Broken {
        JsonNode hook = json(call(
                "POST",
                "/v1/webhooks",
                "Bearer " + key,
                "{\"url\":\"https://hooks.fuzz.example.com/in\",\"events\":[\"job.canceled\"]}"));
        IDS.put("/v1/webhooks/", hook.get("id").asText());
    }

    @AfterContainer
    static void stop() throws IOException {
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Property(tries = 60)
    void everyOperationAnswersMutatedRequestsWithoutFailingOrLosingJobs(@ForAll("edits") List<Edit> edits)
            throws Exception {
        // Every operation's request at once, as a busy client fleet would send them: the answers
        // are the same as one at a time (a 4xx where an earlier request in the try removed what a
        // later one names), and a campaign of 100,000 tries ends in hours, not days.
        List<Exchange> exchanges = new ArrayList<>();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Exchange>> sent = new ArrayList<>();
            for (Operation op : operations) {
                Request request = op.seed();
                for (Edit edit : edits) {
                    edit.applyTo(request);
                }
                sent.add(senders.submit(() -> new Exchange(op, request, send(request))));
            }
            for (Future<Exchange> f : sent) {
                exchanges.add(answered(f));
            }
        }
        List<String> accepted = new ArrayList<>();
        boolean unsubscribed = false;
        for (Exchange e : exchanges) {
            Statistics.label(e.op().name())
                    .collect(shed(e.response()) ? "503 shed" : e.response().status() / 100 + "xx");
            check(e.request(), e.response());
            acceptedJob(e.request(), e.response()).ifPresent(accepted::add);
            unsubscribed |= e.request().method.equals("DELETE") && e.response().status() < 300;
        }
        if (unsubscribed) {
            subscribe(); // the next try's operations need a subscription to work on
        }
        for (String id : accepted) {
            assertThat(finalStatus(id)).as("job %s accepted in this try", id).isIn(FINAL);
        }
    }

    /** One operation's request and its answer. */
    private record Exchange(Operation op, Request request, Response response) {}

    private static Exchange answered(Future<Exchange> sent) throws Exception {
        try {
            return sent.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Property(tries = 100)
    void acceptedTextComesBackExactly(@ForAll("texts") String text) throws RawHttp.Broken {
        ObjectNode input = JSON.objectNode().put("text", text);
        input.putArray("list").add(text).add(JSON.objectNode().put(text, text));
        ObjectNode body = JSON.objectNode().put("model", "sim-any");
        body.set("input", input);
        body.putObject("metadata").put("m", text.length() > 512 ? text.substring(0, 512) : text);
        Request request = new Request("POST", "/v1/jobs");
        request.header("Authorization", "Bearer " + key);
        request.header("Content-Type", "application/json");
        request.body = Texts.utf8(Texts.escapeLoneSurrogates(writeJson(body)));
        Response response = send(request);
        Statistics.label("round trip").collect(response.status() + " " + problemType(response));
        check(request, response);
        if (response.status() != 202) {
            return;
        }
        String id = json(response).get("id").asText();
        Response done = getJob(id);
        JsonNode job = json(done);
        assertThat(job.get("status").asText()).isEqualTo("succeeded");
        assertThat(job.at("/output/echo")).as("the input, echoed").isEqualTo(input);
        assertThat(job.at("/metadata/m")).isEqualTo(body.at("/metadata/m"));
    }

    /** Checks one answer: in time, whole, never 5xx, 4xx as a problem (or OpenAI's error), nothing leaked. */
    static void check(Request request, Response response) {
        String what = request.describe() + " answered " + response.status() + ": " + Texts.clip(response.text());
        if (!shed(response)) {
            assertThat(response.status()).as(what).isBetween(200, 499);
        }
        if (response.status() < 400 || request.method.equals("HEAD")) {
            return;
        }
        String type = response.header("content-type");
        JsonNode body;
        try {
            body = MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(what + " is not JSON", e);
        }
        assertThat(LEAK.matcher(response.text()).find())
                .as(what + " leaks a stack trace or class name")
                .isFalse();
        // A request Jetty refuses before any route is chosen (not valid HTTP, a URI or header block
        // too large) is a problem on every path: Jetty does not tell which path it was (HttpEdgeErrorsIT).
        boolean notHttp = body.path("type").asText().equals("/problems/bad-request")
                || body.path("instance").asText().equals("/badMessage");
        if (type.startsWith("application/problem+json") && (!request.openAi() || notHttp)) {
            assertThat(body.path("status").asInt()).as(what).isEqualTo(response.status());
            assertThat(body.path("type").asText()).as(what).isNotBlank();
            assertThat(body.path("title").asText()).as(what).isNotBlank();
        } else {
            assertThat(request.openAi())
                    .as(what + " must be a problem, was " + type)
                    .isTrue();
            assertThat(type).as(what).startsWith("application/json");
            assertThat(body.at("/error/message").isTextual())
                    .as(what + " has OpenAI's error shape")
                    .isTrue();
        }
    }

    /**
     * A request shed under load: 503 with {@code Retry-After}, as the broker answers when its queues
     * or its replays are full (the fuzz sends faster than a replay runs). Any other 5xx is a defect.
     */
    static boolean shed(Response response) {
        return response.status() == 503 && !response.header("retry-after").isEmpty();
    }

    /** The problem type of a 4xx answer ({@code validation}, {@code invalid-json}...); empty otherwise. */
    private static String problemType(Response response) {
        if (response.status() < 400) {
            return "";
        }
        try {
            return MAPPER.readTree(response.body()).path("type").asText("").replace("/problems/", "");
        } catch (IOException e) {
            return "not JSON";
        }
    }

    /** The id of the job a 2xx answer accepted, if it did. */
    private static Optional<String> acceptedJob(Request request, Response response) {
        if (response.status() >= 300 || !request.method.equals("POST")) {
            return Optional.empty();
        }
        String header = response.header("x-job-id");
        if (!header.isEmpty()) {
            return Optional.of(header);
        }
        if (request.path().equals("/v1/jobs")) {
            return Optional.of(json(response).get("id").asText());
        }
        return Optional.empty();
    }

    private static String finalStatus(String id) throws RawHttp.Broken {
        Response response = getJob(id);
        assertThat(response.status()).as("GET job %s: %s", id, response.text()).isEqualTo(200);
        return json(response).get("status").asText();
    }

    private static Response getJob(String id) throws RawHttp.Broken {
        return call("GET", "/v1/jobs/" + Texts.encodeAll(id) + "?wait=20", "Bearer " + key, null);
    }

    private static Response call(String method, String target, String auth, @Nullable String body)
            throws RawHttp.Broken {
        List<Header> headers = new ArrayList<>();
        if (!auth.isEmpty()) {
            headers.add(new Header("Authorization", auth));
        }
        if (body != null) {
            headers.add(new Header("Content-Type", "application/json"));
        }
        return RawHttp.exchange(port, method, target, headers, body == null ? null : Texts.utf8(body), TIMEOUT);
    }

    /** Sends the request; a broken exchange names the request that broke it. */
    private static Response send(Request request) throws RawHttp.Broken {
        try {
            return RawHttp.exchange(
                    port, request.method, request.target(), request.headers, request.body, request.framing, TIMEOUT);
        } catch (RawHttp.Broken e) {
            throw new RawHttp.Broken(e.getMessage() + " (request: " + request.describe() + ")", e);
        }
    }

    private static JsonNode json(Response response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.status() + "): " + Texts.clip(response.text()), e);
        }
    }

    private static String writeJson(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return Edit.arbitrary().list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings()
                        .withChars("\u0000\ue000\ud800\udc00a é💥\\\"")
                        .ofMaxLength(30),
                Texts.nasty());
    }

    /** An operation of the API description, and a valid request to it to start mutating from. */
    record Operation(String method, String template, List<JsonNode> parameters) {
        static List<Operation> all(JsonNode spec) {
            List<Operation> all = new ArrayList<>();
            spec.path("paths").properties().forEach(path -> {
                List<JsonNode> shared = new ArrayList<>();
                path.getValue().path("parameters").forEach(shared::add);
                path.getValue().properties().forEach(method -> {
                    if (Set.of("get", "post", "put", "delete", "patch").contains(method.getKey())) {
                        List<JsonNode> parameters = new ArrayList<>(shared);
                        method.getValue().path("parameters").forEach(p -> parameters.add(resolve(spec, p)));
                        all.add(new Operation(method.getKey().toUpperCase(Locale.ROOT), path.getKey(), parameters));
                    }
                });
            });
            return all;
        }

        private static JsonNode resolve(JsonNode spec, JsonNode node) {
            JsonNode ref = node.get("$ref");
            return ref == null ? node : spec.at(ref.asText().substring(1));
        }

        String name() {
            return method + " " + template;
        }

        Request seed() {
            String path = template;
            for (Map.Entry<String, String> id : IDS.entrySet()) {
                if (path.startsWith(id.getKey() + "{id}")) {
                    path = path.replace("{id}", id.getValue());
                }
            }
            Request request = new Request(method, path);
            request.header("Authorization", "Bearer " + (template.startsWith("/admin") ? ADMIN : key));
            for (JsonNode p : parameters) {
                String name = p.path("name").asText();
                if (p.path("in").asText().equals("query")) {
                    request.query.put(
                            name,
                            Texts.encodeAll(
                                    switch (name) {
                                        case "status" -> "succeeded";
                                        case "model" -> "sim-any";
                                        case "job_id" -> IDS.get("/v1/jobs/");
                                        case "wait" -> "1";
                                        case "limit" -> "5";
                                        default -> "x";
                                    }));
                }
            }
            String body = Seeds.body(name());
            if (body != null) {
                request.header("Content-Type", "application/json");
                request.body = Texts.utf8(body);
            }
            return request;
        }
    }

    /** One request being built: method, path segments, query, headers, body. */
    static final class Request {
        String method;
        final List<String> segments;
        final Map<String, String> query = new LinkedHashMap<>();
        final List<Header> headers = new ArrayList<>();
        byte @Nullable [] body;
        RawHttp.Framing framing = RawHttp.Framing.LENGTH;
        boolean pathEdited;

        Request(String method, String path) {
            this.method = method;
            this.segments = new ArrayList<>(List.of(path.substring(1).split("/", -1)));
        }

        /** Whether the path asked for is an OpenAI route, which answers OpenAI's error shape. */
        boolean openAi() {
            String path = path();
            return OPENAI.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
        }

        void header(String name, String value) {
            headers.removeIf(h -> h.name().equalsIgnoreCase(name));
            headers.add(new Header(name, value));
        }

        String path() {
            return "/" + String.join("/", segments);
        }

        String target() {
            StringBuilder target = new StringBuilder(path());
            String sep = "?";
            for (Map.Entry<String, String> q : query.entrySet()) {
                target.append(sep).append(q.getKey()).append('=').append(q.getValue());
                sep = "&";
            }
            return target.toString();
        }

        String describe() {
            StringBuilder text = new StringBuilder(method + " " + Texts.clip(target()));
            for (Header h : headers) {
                text.append(" [")
                        .append(h.name())
                        .append(": ")
                        .append(Texts.clip(h.value()))
                        .append(']');
            }
            if (body != null) {
                text.append(" body ").append(Texts.clip(new String(body, StandardCharsets.UTF_8)));
                if (framing != RawHttp.Framing.LENGTH) {
                    text.append(" framed ").append(framing);
                }
            }
            return text.toString();
        }
    }

    /** One change to a request; {@code at} picks where, {@code value} and {@code text} are what. */
    record Edit(Kind kind, int at, JsonNode value, String text) {
        enum Kind {
            BODY_REMOVE,
            BODY_NULL,
            BODY_REPLACE,
            BODY_UNKNOWN_FIELD,
            BODY_WRAP,
            BODY_RAW,
            BODY_BYTES,
            QUERY_VALUE,
            QUERY_UNKNOWN,
            PATH_SEGMENT,
            PATH_SHAPE,
            AUTH,
            CONTENT_TYPE,
            HEADER,
            FRAMING,
            METHOD
        }

        static Arbitrary<Edit> arbitrary() {
            return Combinators.combine(
                            Arbitraries.of(Kind.class),
                            Arbitraries.integers().between(0, 10_000),
                            Texts.jsonValues(),
                            Texts.nasty())
                    .as(Edit::new);
        }

        void applyTo(Request r) {
            switch (kind) {
                case BODY_REMOVE, BODY_NULL, BODY_REPLACE, BODY_UNKNOWN_FIELD, BODY_WRAP -> editTree(r);
                case BODY_RAW -> r.body = Texts.utf8(text);
                case BODY_BYTES -> {
                    byte[] bytes = r.body == null || r.body.length == 0 ? new byte[] {'{'} : r.body;
                    int i = at % bytes.length;
                    r.body = at % 2 == 0
                            ? java.util.Arrays.copyOf(bytes, i)
                            : flip(bytes, i, (byte) (text.isEmpty() ? 0x80 : text.charAt(0)));
                }
                case QUERY_VALUE -> {
                    if (r.query.isEmpty()) {
                        r.query.put("limit", Texts.encode(text, at));
                    } else {
                        String name = new ArrayList<>(r.query.keySet()).get(at % r.query.size());
                        r.query.put(name, Texts.encode(text, at));
                    }
                }
                case QUERY_UNKNOWN -> r.query.put(Texts.encode(text.isEmpty() ? "x" : text, at), "1");
                case PATH_SEGMENT -> {
                    r.segments.set(at % r.segments.size(), Texts.encode(text, at));
                    r.pathEdited = true;
                }
                case PATH_SHAPE -> {
                    r.pathEdited = true;
                    switch (at % 6) {
                        case 0 -> r.segments.add("");
                        case 1 -> r.segments.add(at % r.segments.size(), "");
                        case 2 -> r.segments.add(Texts.encode(text, at));
                        case 3 -> r.segments.add(0, "..");
                        case 4 -> r.segments.set(at % r.segments.size(), "%2F");
                        default -> r.segments.set(at % r.segments.size(), "%00");
                    }
                }
                case AUTH -> {
                    switch (at % 6) {
                        case 0 -> r.headers.removeIf(h -> h.name().equals("Authorization"));
                        case 1 -> r.header("Authorization", "Bearer " + Texts.latin1(text));
                        case 2 -> r.header("Authorization", Texts.latin1(text));
                        case 3 -> r.header("Authorization", "Basic Zm9vOmJhcg==");
                        case 4 -> r.header("Authorization", "Bearer " + ADMIN + (r.openAi() ? "" : "\u0000"));
                        default -> r.header("Authorization", "bearer  " + key + " ");
                    }
                }
                case CONTENT_TYPE -> {
                    if (at % 3 == 0) {
                        r.headers.removeIf(h -> h.name().equals("Content-Type"));
                    } else {
                        r.header("Content-Type", Texts.latin1(text));
                    }
                }
                case HEADER -> {
                    String name = List.of(
                                    "Prefer", "Idempotency-Key", "Last-Event-ID", "Accept", "X-Odd", "Accept-Encoding")
                            .get(at % 6);
                    r.header(name, Texts.latin1(text));
                }
                case FRAMING -> {
                    r.framing = RawHttp.Framing.values()[at % RawHttp.Framing.values().length];
                    if (r.body == null) {
                        r.body = Texts.utf8(text);
                    }
                }
                default ->
                    r.method = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO")
                            .get(at % 8);
            }
        }

        private void editTree(Request r) {
            JsonNode root;
            try {
                root = r.body == null ? JSON.objectNode() : MAPPER.readTree(r.body);
            } catch (IOException e) {
                return;
            }
            if (root == null || root.isMissingNode()) {
                root = JSON.objectNode();
            }
            List<Slot> slots = new ArrayList<>();
            Slot.collect(root, slots);
            if (kind == Kind.BODY_REPLACE && at % (slots.size() + 1) == 0) {
                root = value;
            } else if (kind == Kind.BODY_WRAP && at % (slots.size() + 1) == 0) {
                root = JSON.arrayNode().add(root);
            } else if (!slots.isEmpty()) {
                Slot slot = slots.get(at % slots.size());
                switch (kind) {
                    case BODY_REMOVE -> slot.remove();
                    case BODY_NULL -> slot.set(JSON.nullNode());
                    case BODY_REPLACE -> slot.set(value.deepCopy());
                    case BODY_WRAP -> slot.set(JSON.arrayNode().add(slot.get()));
                    default -> {
                        if (slot.get() instanceof ObjectNode o) {
                            o.set(text.isEmpty() ? "unknown" : text, value.deepCopy());
                        } else if (slot.parent() instanceof ObjectNode o) {
                            o.set(text.isEmpty() ? "unknown" : text, value.deepCopy());
                        }
                    }
                }
            } else if (root instanceof ObjectNode o) {
                o.set(text.isEmpty() ? "unknown" : text, value.deepCopy());
            }
            r.body = Texts.utf8(Texts.escapeLoneSurrogates(writeJson(root)));
        }

        private static byte[] flip(byte[] bytes, int i, byte with) {
            byte[] copy = bytes.clone();
            copy[i] = (byte) (copy[i] ^ (with == 0 ? 0x20 : with));
            return copy;
        }
    }

    /** A place in a JSON tree: a key of an object or an index of an array. */
    record Slot(JsonNode parent, @Nullable String key, int index) {
        static void collect(JsonNode node, List<Slot> slots) {
            if (node instanceof ObjectNode object) {
                for (String k :
                        object.properties().stream().map(Map.Entry::getKey).toList()) {
                    slots.add(new Slot(object, k, -1));
                    collect(object.get(k), slots);
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    slots.add(new Slot(array, null, i));
                    collect(array.get(i), slots);
                }
            }
        }

        JsonNode get() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode value) {
            if (key != null) {
                ((ObjectNode) parent).set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (key != null) {
                ((ObjectNode) parent).remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    /** Valid bodies to start from, by operation. */
    static final class Seeds {
        private Seeds() {}

        static @Nullable String body(String operation) {
            return switch (operation) {
                case "POST /v1/jobs" ->
                    "{\"model\":\"sim-any\",\"input\":{\"text\":\"hello\",\"n\":[1,2]},\"priority\":\"high\","
                            + "\"ttl_seconds\":60,\"metadata\":{\"k\":\"v\"}}";
                case "POST /v1/chat/completions" ->
                    "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}],"
                            + "\"max_tokens\":4,\"stream\":false,\"metadata\":{\"k\":\"v\"}}";
                case "POST /v1/completions" -> "{\"model\":\"sim-echo\",\"prompt\":\"hello world\",\"max_tokens\":4}";
                case "POST /v1/embeddings" -> "{\"model\":\"sim-embed\",\"input\":[\"hello\",\"world\"]}";
                case "POST /v1/webhooks" ->
                    "{\"url\":\"https://hooks.fuzz.example.com/in\",\"events\":[\"job.canceled\",\"job.failed\"]}";
                case "POST /v1/webhooks/job-secret/rotate", "POST /v1/webhooks/{id}/rotate-secret" ->
                    "{\"overlap_seconds\":60}";
                case "POST /admin/tenants" -> "{\"name\":\"fuzzed\"}";
                case "POST /admin/keys/{id}/rotate" -> "{\"grace_seconds\":10}";
                case "PUT /admin/tenants/{id}/limits" -> "{\"requests_per_minute\":1000,\"tokens_per_minute\":null}";
                case "POST /admin/replays" ->
                    "{\"kind\":\"cost\",\"from\":\"1h\",\"to\":\"now\",\"group_by\":[\"model\"],\"format\":\"json\"}";
                default -> null;
            };
        }
    }
}
