package io.inferbroker.launcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
            Map.entry("http.sync_timeout_ms", "120000"));

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Map<String, Sourced> values = new LinkedHashMap<>();
    private List<ModelSpec> models = DefaultModels.MODELS;
    private List<WorkerSpec> workers = DefaultModels.WORKERS;
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
                    + DEFAULTS.keySet().stream().sorted().toList() + ", models, workers");
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
        List<String> ids = ms.stream().map(ModelSpec::id).toList();
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
                Duration.ofMillis(integer("http.sync_timeout_ms", 1, 3_600_000)));
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
