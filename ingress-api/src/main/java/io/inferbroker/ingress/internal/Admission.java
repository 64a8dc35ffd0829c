package io.inferbroker.ingress.internal;

import io.inferbroker.ingress.AdmissionConfig;
import io.inferbroker.schemas.QueueStatus;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.TenantLimitStore;
import java.time.Clock;
import java.util.Collection;
import java.util.Properties;

/**
 * The one admission policy of an ingress instance: the model's queue limit first (a full queue
 * refuses without taking from the tenant's rate limits), then the tenant's rate limits. Counts every
 * decision in {@link IngressMetrics}. Owns the reader of the queues topic; closing stops it.
 * Thread-safe.
 */
public final class Admission implements AdmissionPolicy, AutoCloseable {
    private final QueueDepthPolicy queues;
    private final AdmissionPolicy rates;
    private final TenantLimitCache limits;
    private final IngressMetrics metrics;
    private final AutoCloseable reader;
    private final QueueBoard board;

    Admission(
            QueueDepthPolicy queues,
            AdmissionPolicy rates,
            TenantLimitCache limits,
            IngressMetrics metrics,
            AutoCloseable reader,
            QueueBoard board) {
        this.board = board;
        this.queues = queues;
        this.rates = rates;
        this.limits = limits;
        this.metrics = metrics;
        this.reader = reader;
    }

    /**
     * Starts reading the queues topic and returns the policy.
     *
     * @param kafkaClient bootstrap servers (and security) for the queues reader
     * @param models the configured models, whose queue depth is exported as a gauge
     */
    public static Admission start(
            AdmissionConfig config,
            TenantLimitStore store,
            Properties kafkaClient,
            TopicNames topics,
            Collection<String> models,
            IngressMetrics metrics,
            Clock clock) {
        QueueBoard board = new QueueBoard();
        TenantLimitCache limits = new TenantLimitCache(store, config);
        QueueDepthPolicy queues =
                new QueueDepthPolicy(config::maxQueuedFor, board, clock, config.queueStatusStaleAfter());
        TenantRatePolicy rates = new TenantRatePolicy(limits, clock);
        FanOutReader reader = new FanOutReader(kafkaClient, topics.queues(), "ingress-queue-status", r -> {
            QueueStatus status = WireSerdes.QUEUE_STATUS.deserialize(r.topic(), r.value());
            if (status != null) {
                board.update(r.key(), status);
            }
        });
        models.forEach(model -> metrics.queueDepth(
                model,
                () -> board.fresh(model, clock.instant(), config.queueStatusStaleAfter())
                        .map(s -> (double) s.queued())
                        .orElse(Double.NaN)));
        return new Admission(queues, rates, limits, metrics, reader, board);
    }

    @Override
    public AdmissionVerdict admit(AdmissionRequest request) {
        AdmissionVerdict verdict = queues.admit(request);
        if (verdict instanceof AdmissionVerdict.Admit) {
            verdict = rates.admit(request);
            if (verdict instanceof AdmissionVerdict.Reject) {
                queues.withdraw(request);
            }
        }
        metrics.admission(verdict);
        return verdict;
    }

    /** The queue statuses this policy reads, for the admin API. */
    public QueueBoard board() {
        return board;
    }

    /** The tenant limits this policy applies; the admin API invalidates them on change. */
    TenantLimitCache limits() {
        return limits;
    }

    /** Stops the queues reader; idempotent. */
    @Override
    public void close() throws Exception {
        reader.close();
    }
}
