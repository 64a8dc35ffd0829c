package io.inferbroker.store;

import io.inferbroker.schemas.DeliveryOutcome;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WebhookDelivery;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.AddressPolicy;
import io.inferbroker.store.internal.AttemptResult;
import io.inferbroker.store.internal.DeliveryQueue;
import io.inferbroker.store.internal.ResultStoreMetrics;
import io.inferbroker.store.internal.RetrySchedule;
import io.inferbroker.store.internal.StoreErrors;
import io.inferbroker.store.internal.WebhookSender;
import io.inferbroker.store.internal.WebhookSigner;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the webhook messages the {@link ResultSink} creates, Standard Webhooks v1: each attempt is
 * signed with every active secret of its target, carries the message's constant {@code webhook-id},
 * and is stored (the delivery log) and published to the webhooks topic (audit, replay). Failures are
 * retried on the configured schedule ({@code Retry-After} honoured); 410 disables the subscription;
 * exhausted messages stay for a manual retry. Any number of dispatchers may share one database:
 * messages are claimed with a lease, never sent by two at once.
 *
 * <p>Runs on a thread of its own, sending a claimed batch in parallel on virtual threads. The owner
 * closes it before the {@link StoreDatabase} and the producer. Thread-safe.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    /** A claim outlives the attempt's deadline by this much before another dispatcher may take over. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final DeliveryQueue queue;
    private final WebhookConfig config;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final @Nullable Producer<String, WebhookDelivery> audit;
    private final TopicNames topics;
    private final ResultStoreMetrics metrics;
    private final Clock clock;
    private final String owner;
    private final ScheduledExecutorService loop;
    private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean failing;
    private final boolean ownsAudit;

    private WebhookDispatcher(
            StoreDatabase db,
            WebhookConfig config,
            @Nullable Producer<String, WebhookDelivery> audit,
            boolean ownsAudit,
            TopicNames topics,
            MeterRegistry registry,
            Clock clock) {
        this.queue = new DeliveryQueue(db.jdbi());
        this.config = config;
        this.sender = new WebhookSender(new AddressPolicy(config.allowList()), config.timeout(), clock);
        this.schedule = new RetrySchedule(
                config.schedule(),
                config.jitter(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.audit = audit;
        this.ownsAudit = ownsAudit;
        this.topics = topics;
        this.metrics = new ResultStoreMetrics(registry);
        this.clock = clock;
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.owner = "dispatcher-" + HexFormat.of().formatHex(id);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-dispatcher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts delivering.
     *
     * @param audit producer of the webhooks topic (each attempt is published there), or null to skip it
     */
    public static WebhookDispatcher start(
            StoreDatabase db,
            WebhookConfig config,
            @Nullable Producer<String, WebhookDelivery> audit,
            TopicNames topics,
            MeterRegistry registry,
            Clock clock) {
        return start(new WebhookDispatcher(db, config, audit, false, topics, registry, clock));
    }

    /**
     * Starts delivering and publishing each attempt to the webhooks topic with a producer of its own
     * ({@code acks=all}, idempotent: the audit trail is not thinned by a broker failover), closed with
     * the dispatcher.
     *
     * @param kafka bootstrap servers, security and any other client settings of the deployment
     */
    public static WebhookDispatcher startPublishing(
            StoreDatabase db,
            WebhookConfig config,
            Properties kafka,
            TopicNames topics,
            MeterRegistry registry,
            Clock clock) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        KafkaProducer<String, WebhookDelivery> audit =
                new KafkaProducer<>(p, new StringSerializer(), WireSerdes.WEBHOOK_DELIVERY);
        return start(new WebhookDispatcher(db, config, audit, true, topics, registry, clock));
    }

    private static WebhookDispatcher start(WebhookDispatcher d) {
        d.loop.scheduleWithFixedDelay(d::drain, 0, d.config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        return d;
    }

    /** False while the database refuses claims. */
    public boolean isHealthy() {
        return !failing && !closed.get();
    }

    /** Claims and sends due messages until none are left. */
    private void drain() {
        try {
            while (!closed.get()) {
                List<DeliveryQueue.Claimed> batch = queue.claim(
                        owner,
                        config.batchSize(),
                        clock.instant(),
                        config.timeout().plus(LEASE_MARGIN));
                failing = false;
                if (batch.isEmpty()) {
                    return;
                }
                List<Future<DeliveryQueue.Outcome>> running = new ArrayList<>(batch.size());
                for (DeliveryQueue.Claimed c : batch) {
                    running.add(sends.submit(() -> attempt(c)));
                }
                List<DeliveryQueue.Outcome> outcomes = new ArrayList<>(batch.size());
                for (Future<DeliveryQueue.Outcome> f : running) {
                    outcomes.add(f.get());
                }
                List<DeliveryQueue.Outcome> stored = queue.record(outcomes, owner);
                if (stored.size() < outcomes.size()) {
                    LOG.warn(
                            "{} webhook messages took longer than their lease; their outcomes were not recorded",
                            outcomes.size() - stored.size());
                }
                for (DeliveryQueue.Outcome o : stored) {
                    metrics.webhookAttempt(o.recorded().outcome(), o.recorded().took());
                    publish(o.claimed(), o.recorded());
                }
                if (batch.size() < config.batchSize()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            failing = true;
            LOG.warn("webhook dispatcher cannot claim or record messages, retrying: {}", StoreErrors.reason(e));
        }
    }

    /** Signs and sends one message; what came of it is recorded with the rest of the batch. */
    private DeliveryQueue.Outcome attempt(DeliveryQueue.Claimed c) {
        Instant start = clock.instant();
        List<String> secrets = queue.secrets(c, start);
        long timestamp = start.getEpochSecond();
        long t0 = System.nanoTime();
        AttemptResult result = secrets.isEmpty()
                ? new AttemptResult.Refused("the subscription has no active signing secret")
                : sender.send(
                        c.url(),
                        c.id(),
                        timestamp,
                        WebhookSigner.signatures(secrets, c.id(), timestamp, c.payload()),
                        c.payload());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        return new DeliveryQueue.Outcome(c, verdict(c, result, clock.instant(), took));
    }

    private DeliveryQueue.Recorded verdict(DeliveryQueue.Claimed c, AttemptResult result, Instant now, Duration took) {
        int made = c.attempts() + 1;
        int max = c.maxAttempts() == null ? config.maxAttempts() : c.maxAttempts();
        return switch (result) {
            case AttemptResult.Delivered d ->
                new DeliveryQueue.Recorded(
                        "delivered", wire(DeliveryOutcome.DELIVERED), d.httpStatus(), null, null, now, took);
            case AttemptResult.Gone g ->
                new DeliveryQueue.Recorded(
                        "disabled",
                        wire(DeliveryOutcome.DISABLED),
                        g.httpStatus(),
                        "answered 410 Gone",
                        null,
                        now,
                        took);
            case AttemptResult.Failed f ->
                retry(made, max, f.retryAfter(), now, took, f.httpStatus(), f.error(), DeliveryOutcome.FAILED);
            case AttemptResult.Refused r ->
                retry(made, max, Optional.empty(), now, took, null, r.error(), DeliveryOutcome.REFUSED);
        };
    }

    private DeliveryQueue.Recorded retry(
            int made,
            int max,
            Optional<Duration> retryAfter,
            Instant now,
            Duration took,
            @Nullable Integer status,
            String error,
            DeliveryOutcome outcome) {
        return switch (schedule.afterFailure(made, max, retryAfter, now)) {
            case RetrySchedule.Verdict.RetryAt at ->
                new DeliveryQueue.Recorded("pending", wire(outcome), status, error, at.at(), now, took);
            case RetrySchedule.Verdict.Exhausted x ->
                new DeliveryQueue.Recorded(
                        "exhausted", wire(DeliveryOutcome.EXHAUSTED), status, error, null, now, took);
        };
    }

    private void publish(DeliveryQueue.Claimed c, DeliveryQueue.Recorded r) {
        if (audit == null) {
            return;
        }
        WebhookDelivery value = new WebhookDelivery(
                WebhookDelivery.VERSION,
                c.id(),
                c.jobId(),
                c.tenantId(),
                c.eventType(),
                c.url(),
                c.attempts() + 1,
                DeliveryOutcome.valueOf(r.outcome().toUpperCase(Locale.ROOT)),
                r.httpStatus(),
                r.error(),
                r.at(),
                r.nextAttemptAt());
        try {
            audit.send(new ProducerRecord<>(topics.webhooks(), c.id(), value), (meta, e) -> {
                if (e != null) {
                    LOG.warn("webhook attempt of {} not published to {}: {}", c.id(), topics.webhooks(), e.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("webhook attempt of {} not published to {}: {}", c.id(), topics.webhooks(), e.toString());
        }
    }

    private static String wire(DeliveryOutcome o) {
        return o.name().toLowerCase(Locale.ROOT);
    }

    /** Stops claiming, lets running attempts finish (up to their timeout), frees connections; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.shutdown();
        try {
            if (!loop.awaitTermination(config.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sends.shutdown();
        sender.close();
        if (ownsAudit && audit != null) {
            audit.close();
        }
    }
}
