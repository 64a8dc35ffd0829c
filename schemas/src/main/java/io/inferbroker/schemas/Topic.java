package io.inferbroker.schemas;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

/**
 * The topic catalogue: every topic the broker uses, its key, value type, JSON Schema, partitions
 * and retention. Names are prefixed per deployment by {@link TopicNames}.
 */
public enum Topic {
    REQUESTS(
            "inference.requests",
            "job id",
            JobRequested.class,
            "job-requested",
            6,
            Retention.time(Duration.ofDays(30))),
    CONTROL(
            "inference.control",
            "job id",
            ControlCommand.class,
            "control-command",
            6,
            Retention.time(Duration.ofDays(30))),
    DISPATCH(
            "inference.dispatch",
            "worker id",
            DispatchBatch.class,
            "dispatch-batch",
            6,
            Retention.time(Duration.ofDays(7))),
    TOKENS("inference.tokens", "job id", TokenDelta.class, "token-delta", 6, Retention.time(Duration.ofDays(7))),
    RESULTS("inference.results", "job id", JobResult.class, "job-result", 6, Retention.time(Duration.ofDays(30))),
    EVENTS(
            "inference.events",
            "job id",
            LifecycleEvent.class,
            "lifecycle-event",
            6,
            Retention.time(Duration.ofDays(30))),
    WORKERS("inference.workers", "worker id", WorkerStatus.class, "worker-status", 3, Retention.compacted()),
    WEBHOOKS(
            "inference.webhooks",
            "delivery id",
            WebhookDelivery.class,
            "webhook-delivery",
            6,
            Retention.time(Duration.ofDays(30))),
    QUEUES("inference.queues", "model", QueueStatus.class, "queue-status", 3, Retention.compacted()),
    /** Records a consumer could not take; kept long, since each one waits for a person to look. */
    DEAD_LETTERS(
            "inference.dead-letters",
            "source topic/partition/offset",
            DeadLetter.class,
            "dead-letter",
            3,
            Retention.time(Duration.ofDays(90)));

    private final String baseName;
    private final String key;
    private final Class<?> valueType;
    private final String schemaName;
    private final int partitions;
    private final Retention retention;

    Topic(String baseName, String key, Class<?> valueType, String schemaName, int partitions, Retention retention) {
        this.baseName = baseName;
        this.key = key;
        this.valueType = valueType;
        this.schemaName = schemaName;
        this.partitions = partitions;
        this.retention = retention;
    }

    /** The name without any deployment prefix. */
    public String baseName() {
        return baseName;
    }

    /** What the record key holds. */
    public String key() {
        return key;
    }

    public Class<?> valueType() {
        return valueType;
    }

    /**
     * Class-loader resource name of the JSON Schema (draft 2020-12) that describes this topic's
     * values, such as {@code schemas/job-requested.schema.json}. It has no leading slash, so it is
     * meant for {@link ClassLoader#getResource(String)}; {@link #schemaUrl()} resolves it.
     */
    public String schemaResource() {
        return "schemas/" + schemaName + ".schema.json";
    }

    /**
     * The JSON Schema of this topic's values, located on this module's classpath.
     *
     * @throws IllegalStateException if the schema is missing from the classpath (a packaging fault)
     */
    public URL schemaUrl() {
        URL url = Topic.class.getResource("/" + schemaResource());
        if (url == null) {
            throw new IllegalStateException(
                    "JSON Schema of topic " + baseName + " missing from classpath: " + schemaResource());
        }
        return url;
    }

    /** Default partition count at creation. */
    public int partitions() {
        return partitions;
    }

    public Retention retention() {
        return retention;
    }

    /** Topic-level configs to create this topic with. */
    public Map<String, String> configs() {
        return retention.configs();
    }

    /** A topic's cleanup: deletion after a time, or compaction by key. */
    public record Retention(boolean compact, Duration time) {
        public static Retention time(Duration time) {
            return new Retention(false, time);
        }

        public static Retention compacted() {
            return new Retention(true, Duration.ZERO);
        }

        public Map<String, String> configs() {
            if (compact) {
                return Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0", "segment.ms", "3600000");
            }
            return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(time.toMillis()));
        }
    }
}
