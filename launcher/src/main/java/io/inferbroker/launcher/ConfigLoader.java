package io.inferbroker.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.inferbroker.store.RetentionConfig;
import io.inferbroker.store.WebhookConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the configuration from, in order of precedence: command-line flags, {@code BROKER_*}
 * environment variables, a YAML config file, defaults. A key {@code a.b_c} is the environment
 * variable {@code BROKER_A_B_C}. Unknown keys in the file and malformed values are errors that name
 * the key and where it came from.
 */
public final class ConfigLoader {
    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("host", "127.0.0.1"),
            Map.entry("port", "8080"),
            Map.entry("data_dir", "data"),
            Map.entry("kafka.bootstrap_servers", ""),
            Map.entry("kafka.topic_prefix", ""),
            Map.entry("db.url", ""),
            Map.entry("db.user", "postgres"),
            Map.entry("db.password", ""),
            Map.entry("db.pool_size", "10"),
            Map.entry("db.schema", "public"),
            Map.entry("http.max_body_bytes", "1048576"),
            Map.entry("http.submit_timeout_ms", "10000"),
            Map.entry("http.public_base_url", ""),
            Map.entry("admin_key", ""),
            Map.entry("limits.requests_per_minute", "0"),
            Map.entry("limits.tokens_per_minute", "0"),
            Map.entry("http.sync_timeout_ms", "120000"),
            Map.entry("http.stream_buffer_events", "4096"),
            Map.entry("http.socket_send_buffer_bytes", "0"),
            Map.entry("webhooks.allow_list", ""),
            Map.entry("webhooks.schedule", "5s,5m,30m,2h,5h,10h,14h,20h,24h"),
            Map.entry("webhooks.jitter", "0.1"),
            Map.entry("webhooks.timeout_ms", "15000"),
            Map.entry("webhooks.batch_size", "32"),
            Map.entry("store.retention_days", "30"),
            Map.entry("store.retention_batch_rows", "1000"),
            Map.entry("store.retention_interval_ms", "600000"),
            Map.entry("dispatcher.tick_ms", "5"),
            Map.entry("dispatcher.stream_threads", "1"),
            Map.entry("dispatcher.worker_lease_ms", "10000"),
            Map.entry("dispatcher.dedupe_retention_minutes", "1440"),
            Map.entry("dispatcher.max_attempts", "3"),
            Map.entry("dispatcher.priority_aging_ms", "1000"),
            Map.entry("dispatcher.default_max_tokens", "256"),
            Map.entry("dispatcher.breaker_failures", "5"),
            Map.entry("dispatcher.breaker_open_ms", "30000"),
            Map.entry("dispatcher.job_timeout_ms", "1800000"));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Keys whose value is a list: a YAML sequence, or comma-separated text. */
    private static final java.util.Set<String> LIST_KEYS = java.util.Set.of("webhooks.allow_list", "webhooks.schedule");

    private final Map<String, Sourced> values = new LinkedHashMap<>();
    private List<ModelSpec> models = DefaultModels.MODELS;
    private List<WorkerSpec> workers = DefaultModels.WORKERS;
    private List<BudgetSpec> budgets = List.of();
    private Map<String, String> environment = Map.of();

    private record Sourced(String value, String source) {}

    /**
     * @param flags values given on the command line, by key
     * @param env the process environment
     * @param file the config file, if one was named
     */
    public static BrokerConfig load(Map<String, String> flags, Map<String, String> env, Optional<Path> file) {
        ConfigLoader loader = new ConfigLoader();
        loader.environment = env;
        DEFAULTS.forEach((k, v) -> loader.values.put(k, new Sourced(v, "default of " + k)));
        file.ifPresent(loader::readFile);
        DEFAULTS.keySet().forEach(k -> {
            String var = envName(k);
            if (env.containsKey(var)) {
                loader.values.put(k, new Sourced(env.get(var), var));
            }
        });
        flags.forEach((k, v) -> {
            if (!DEFAULTS.containsKey(k)) {
                throw new IllegalArgumentException("no config key " + k);
            }
            loader.values.put(k, new Sourced(v, "--" + k.replace('_', '-').replace('.', '-')));
        });
        return loader.build();
    }

    /** The environment variable for a key: {@code kafka.bootstrap_servers -> BROKER_KAFKA_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return "BROKER_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private void readFile(Path path) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(path));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + path + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + path + " must hold a mapping of keys to values");
        }
        for (var e : root.properties()) {
            switch (e.getKey()) {
                case "models" -> models = readList(path, "models", e.getValue(), ModelSpec.class);
                case "workers" -> workers = readList(path, "workers", e.getValue(), WorkerSpec.class);
                case "budgets" -> budgets = readList(path, "budgets", e.getValue(), BudgetSpec.class);
                default -> flatten(path, e.getKey(), e.getValue());
            }
        }
    }

    private void flatten(Path path, String key, JsonNode node) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(path, key + "." + e.getKey(), e.getValue()));
            return;
        }
        if (!DEFAULTS.containsKey(key)) {
            throw new ConfigException("unknown key '" + key + "' in " + path + "; known keys: "
                    + DEFAULTS.keySet().stream().sorted().toList() + ", models, workers, budgets");
        }
        if (node.isArray() && LIST_KEYS.contains(key)) {
            List<String> items = new ArrayList<>();
            node.forEach(n -> items.add(n.asText()));
            values.put(key, new Sourced(String.join(",", items), "'" + key + "' in " + path));
            return;
        }
        if (!node.isValueNode()) {
            throw new ConfigException("'" + key + "' in " + path + " must be a single value");
        }
        values.put(key, new Sourced(node.asText(), "'" + key + "' in " + path));
    }

    private static <T> List<T> readList(Path path, String key, JsonNode node, Class<T> type) {
        if (!node.isArray()) {
            throw new ConfigException("'" + key + "' in " + path + " must be a list");
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                out.add(YAML.treeToValue(withDefaults(node.get(i), type), type));
            } catch (UnrecognizedPropertyException e) {
                throw new ConfigException("unknown key '" + key + "[" + i + "]." + e.getPropertyName() + "' in " + path
                        + "; known: " + e.getKnownPropertyIds());
            } catch (JsonProcessingException e) {
                throw new ConfigException(
                        "'" + key + "[" + i + "]' in " + path + " is invalid: " + e.getOriginalMessage());
            }
        }
        return out;
    }

    private static JsonNode withDefaults(JsonNode item, Class<?> type) {
        if (!item.isObject()) {
            return item;
        }
        var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) item).deepCopy();
        DefaultModels.defaultsFor(type).forEach((k, v) -> {
            if (!copy.has(k)) {
                copy.set(k, v);
            }
        });
        return copy;
    }

    private BrokerConfig build() {
        List<ModelSpec> ms = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ms.add(ModelSpec.validated(models.get(i), i));
        }
        ModelSpec.validateFallbacks(ms);
        List<String> ids = ms.stream().map(ModelSpec::id).toList();
        List<BudgetSpec> bs = new ArrayList<>();
        for (int i = 0; i < budgets.size(); i++) {
            bs.add(BudgetSpec.validated(budgets.get(i), i));
        }
        List<WorkerSpec> ws = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            ws.add(WorkerSpec.validated(workers.get(i).withKeyFrom(environment, i), i, ids));
        }
        String dataDir = text("data_dir");
        if (dataDir.isBlank()) {
            throw new ConfigException(values.get("data_dir").source() + " must not be empty");
        }
        return new BrokerConfig(
                text("host"),
                integer("port", 0, 65_535),
                Path.of(dataDir),
                optional("kafka.bootstrap_servers"),
                text("kafka.topic_prefix"),
                optional("db.url"),
                text("db.user"),
                new BrokerConfig.Secret(text("db.password")),
                integer("db.pool_size", 1, 1000),
                text("db.schema"),
                integer("http.max_body_bytes", 1024, Integer.MAX_VALUE),
                Duration.ofMillis(integer("http.submit_timeout_ms", 1, 600_000)),
                text("http.public_base_url").replaceAll("/+$", ""),
                optional("admin_key").map(BrokerConfig.Secret::new),
                ms,
                ws,
                integer("limits.requests_per_minute", 0, Integer.MAX_VALUE),
                integer("limits.tokens_per_minute", 0, Integer.MAX_VALUE),
                Duration.ofMillis(integer("http.sync_timeout_ms", 1, 3_600_000)),
                integer("http.stream_buffer_events", 1, 1_000_000),
                integer("http.socket_send_buffer_bytes", 0, 64 * 1024 * 1024),
                bs,
                webhooks(),
                new RetentionConfig(
                        Duration.ofDays(integer("store.retention_days", 0, 36_500)),
                        integer("store.retention_batch_rows", 1, 100_000),
                        Duration.ofMillis(integer("store.retention_interval_ms", 1, Integer.MAX_VALUE))),
                dispatcher(ws));
    }

    private DispatcherSettings dispatcher(List<WorkerSpec> workers) {
        DispatcherSettings d = new DispatcherSettings(
                Duration.ofMillis(integer("dispatcher.tick_ms", 1, 1000)),
                integer("dispatcher.stream_threads", 1, 64),
                Duration.ofMillis(integer("dispatcher.worker_lease_ms", 100, 3_600_000)),
                Duration.ofMinutes(integer("dispatcher.dedupe_retention_minutes", 1, 525_600)),
                integer("dispatcher.max_attempts", 1, 100),
                Duration.ofMillis(integer("dispatcher.priority_aging_ms", 1, 3_600_000)),
                integer("dispatcher.default_max_tokens", 1, 10_000_000),
                integer("dispatcher.breaker_failures", 1, 1000),
                Duration.ofMillis(integer("dispatcher.breaker_open_ms", 1, 86_400_000)),
                Duration.ofMillis(integer("dispatcher.job_timeout_ms", 1000, 86_400_000)));
        String source = values.get("dispatcher.job_timeout_ms").source();
        long timeout = d.jobTimeout().toMillis();
        for (int i = 0; i < workers.size(); i++) {
            long request = workers.get(i).requestTimeoutMs();
            if (!workers.get(i).adapter().equals("sim") && request >= timeout) {
                throw new ConfigException(source + " (" + timeout + " ms) must be longer than workers[" + i
                        + "].request_timeout_ms (" + request + " ms), or jobs still running would be sent again");
            }
        }
        return d;
    }

    private WebhookConfig webhooks() {
        List<Duration> schedule = new ArrayList<>();
        for (String item : list("webhooks.schedule")) {
            schedule.add(duration("webhooks.schedule", item));
        }
        Sourced jitter = values.get("webhooks.jitter");
        try {
            return new WebhookConfig(
                    schedule,
                    parse(jitter, Double::parseDouble, "a number from 0 to 0.5"),
                    Duration.ofMillis(integer("webhooks.timeout_ms", 1, 300_000)),
                    list("webhooks.allow_list"),
                    integer("webhooks.batch_size", 1, 1000),
                    Duration.ofMillis(500));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private List<String> list(String key) {
        return java.util.Arrays.stream(text(key).split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** {@code 500ms}, {@code 5s}, {@code 30m}, {@code 2h}, {@code 1d}. */
    private Duration duration(String key, String item) {
        var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(item);
        if (!m.matches()) {
            throw new ConfigException(
                    values.get(key).source() + " entries must be durations such as 5s, 30m or 2h, was '" + item + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private String text(String key) {
        return values.get(key).value().trim();
    }

    private Optional<String> optional(String key) {
        String v = text(key);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    private int integer(String key, int min, int max) {
        Sourced s = values.get(key);
        int v = parse(s, Integer::parseInt, "an integer");
        if (v < min || v > max) {
            throw new ConfigException(s.source() + " must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    private static <T> T parse(Sourced s, Function<String, T> parser, String what) {
        try {
            return parser.apply(s.value().trim());
        } catch (RuntimeException e) {
            throw new ConfigException(s.source() + " must be " + what + ", was '" + s.value() + "'");
        }
    }
}
