package io.inferbroker.store.internal;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Meters of the result store. Tags are bounded: the catalogue topic and a failure kind, never ids.
 *
 * <ul>
 *   <li>{@code broker.store.records.written{topic}}: records stored
 *   <li>{@code broker.store.records.poison{topic}}: records skipped as unreadable or unstorable
 *   <li>{@code broker.dead_letters{role,topic}}: the same records, written to the dead-letter topic
 *       ({@code role} is {@code store}, {@code topic} the actual topic name)
 *   <li>{@code broker.store.write.batch.size}: records per write transaction
 *   <li>{@code broker.store.write.latency}: duration of each successful write transaction
 *   <li>{@code broker.store.write.failures{kind}}: failed write transactions (unavailable, data, other)
 *   <li>{@code broker.store.sink.ready}: 1 while the sink is writing successfully
 *   <li>{@code broker.webhooks.attempts{outcome}}: webhook attempts (delivered, failed, exhausted,
 *       refused, disabled)
 *   <li>{@code broker.webhooks.attempt.latency}: duration of each webhook attempt
 *   <li>{@code broker.store.retention.deleted}: rows deleted by retention
 * </ul>
 */
public final class ResultStoreMetrics {
    private final MeterRegistry registry;
    private final Map<Topic, Counter> written = new EnumMap<>(Topic.class);
    private final Map<Topic, Counter> poison = new EnumMap<>(Topic.class);
    private final Map<FailureKind, Counter> failures = new EnumMap<>(FailureKind.class);
    private final DistributionSummary batchSize;
    private final Timer latency;
    private volatile @Nullable Gauge readiness;

    public ResultStoreMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Topic t : new Topic[] {Topic.REQUESTS, Topic.EVENTS, Topic.RESULTS}) {
            written.put(t, counter("broker.store.records.written", "records stored", "topic", t.baseName()));
            poison.put(t, counter("broker.store.records.poison", "records skipped as unusable", "topic", t.baseName()));
        }
        for (FailureKind k : FailureKind.values()) {
            failures.put(k, counter("broker.store.write.failures", "failed write transactions", "kind", tag(k)));
        }
        this.batchSize = DistributionSummary.builder("broker.store.write.batch.size")
                .description("records per write transaction")
                .register(registry);
        this.latency = Timer.builder("broker.store.write.latency")
                .description("duration of a successful write transaction")
                .register(registry);
    }

    /** Registers the readiness gauge, read on every scrape, until {@link #removeReadiness()}. */
    public void readiness(BooleanSupplier ready) {
        // A strong reference: the supplier is usually a lambda nothing else holds on to.
        readiness = Gauge.builder("broker.store.sink.ready", ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the result sink writes successfully")
                .strongReference(true)
                .register(registry);
    }

    /** Unregisters the readiness gauge, so a closed sink stops being scraped. */
    public void removeReadiness() {
        Gauge g = readiness;
        if (g != null) {
            registry.remove(g);
            readiness = null;
        }
    }

    public void written(Topic topic) {
        Counter c = written.get(topic);
        if (c != null) {
            c.increment();
        }
    }

    public void poison(Topic topic) {
        Counter c = poison.get(topic);
        if (c != null) {
            c.increment();
        }
    }

    public void deadLetter(String topicName) {
        Counter.builder("broker.dead_letters")
                .description("Records a consumer could not take, written to the dead-letter topic")
                .tag("role", ConsumerRole.STORE.wireName())
                .tag("topic", topicName)
                .register(registry)
                .increment();
    }

    public void batch(int records, Duration took) {
        batchSize.record(records);
        latency.record(took);
    }

    /** One webhook attempt; {@code outcome} is a {@code DeliveryOutcome} wire name. */
    public void webhookAttempt(String outcome, Duration took) {
        Counter.builder("broker.webhooks.attempts")
                .description("webhook delivery attempts")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
        Timer.builder("broker.webhooks.attempt.latency")
                .description("duration of a webhook delivery attempt")
                .register(registry)
                .record(took);
    }

    public void retentionDeleted(int rows) {
        Counter.builder("broker.store.retention.deleted")
                .description("rows deleted by retention")
                .register(registry)
                .increment(rows);
    }

    public void failure(FailureKind kind) {
        failures.get(kind).increment();
    }

    private Counter counter(String name, String description, String tag, String value) {
        return Counter.builder(name).description(description).tag(tag, value).register(registry);
    }

    private static String tag(FailureKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
