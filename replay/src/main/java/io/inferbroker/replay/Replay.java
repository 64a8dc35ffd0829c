package io.inferbroker.replay;

import io.inferbroker.replay.internal.AuditCollector;
import io.inferbroker.replay.internal.BatchSizes;
import io.inferbroker.replay.internal.CostAggregator;
import io.inferbroker.replay.internal.JobUse;
import io.inferbroker.replay.internal.PartitionSpan;
import io.inferbroker.replay.internal.PriceHistory;
import io.inferbroker.replay.internal.Reconciler;
import io.inferbroker.replay.internal.TopicScan;
import io.inferbroker.replay.internal.Views;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.api.ResultLedger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Replays the topics of one deployment over a time range. Each call opens its own consumer with a
 * manual assignment, reads every partition to the end offset found when it started, commits nothing
 * and closes the consumer; live consumers are never disturbed. Calls block until the replay is done.
 * Not meant for concurrent calls on one instance (progress is reported to one sink).
 */
public final class Replay {
    /** Audits hold at most this many jobs unless told otherwise. */
    public static final int DEFAULT_AUDIT_LIMIT = 100;

    private static final List<Topic> AUDITED =
            List.of(Topic.REQUESTS, Topic.EVENTS, Topic.TOKENS, Topic.RESULTS, Topic.CONTROL, Topic.WEBHOOKS);

    private final ReplaySource source;
    private final ReplayProgress progress;
    private final Duration dispatchLookback;

    /**
     * @param dispatchLookback how far before {@code --from} the dispatch topic is read, so that jobs
     *     dispatched just before the range still find the size of their batch
     */
    public Replay(ReplaySource source, ReplayProgress progress, Duration dispatchLookback) {
        this.source = source;
        this.progress = progress;
        this.dispatchLookback = dispatchLookback;
    }

    public Replay(ReplaySource source, ReplayProgress progress) {
        this(source, progress, Duration.ofHours(1));
    }

    /**
     * The cost report of the results in the range that pass the filter, grouped as asked and, with a
     * price table, re-rated. Memory grows with the number of groups, not of jobs (plus one small entry
     * per job dispatched in the range, for its batch size).
     *
     * <p>Records that cannot be read are skipped and named in {@link CostReport#skipped()}.
     *
     * @throws ReplayException when Kafka fails, or the price table lacks a
     *     price some job needs
     */
    public CostReport cost(ReplayRange range, ReplayFilter filter, List<GroupBy> groupBy, Optional<PriceTable> prices) {
        CostAggregator aggregator = new CostAggregator(groupBy, prices);
        try (TopicScan scan = TopicScan.open(source)) {
            List<PartitionSpan> dispatch =
                    scan.plan(Topic.DISPATCH, range.from().minus(dispatchLookback), range.to());
            List<PartitionSpan> results = scan.plan(Topic.RESULTS, range.from(), range.to());
            long total = start(dispatch, results);
            BatchSizes batches = new BatchSizes();
            scan.read(dispatch, (t, r) -> batches.add(r), progress);
            boolean byKey = filter.byJobIdOnly();
            scan.read(
                    results,
                    (t, r) -> {
                        if (byKey && !filter.matchesJob(key(r.key()))) {
                            return;
                        }
                        Views.ResultView v = Views.result(r);
                        if (filter.matches(v.jobId(), v.tenantId(), v.model(), v.workerId())) {
                            aggregator.add(JobUse.of(v, batches));
                        }
                    },
                    progress);
            return aggregator.report(range, total, scan.skipped());
        } finally {
            progress.finish();
        }
    }

    /**
     * The timelines of the jobs that pass the filter (by job id, or any request, lifecycle event or
     * result in the range matching tenant, model and worker), at most {@code limit} jobs.
     *
     * <p>Records that cannot be read are skipped and named in {@link AuditTrail#skipped()}.
     *
     * @throws ReplayException when Kafka fails
     */
    public AuditTrail audit(ReplayRange range, ReplayFilter filter, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the audit limit must be >= 1, was " + limit);
        }
        try (TopicScan scan = TopicScan.open(source)) {
            boolean select = !filter.byJobIdOnly();
            List<PartitionSpan> selection = new ArrayList<>();
            if (select) {
                for (Topic t : List.of(Topic.REQUESTS, Topic.EVENTS, Topic.RESULTS)) {
                    selection.addAll(scan.plan(t, range.from(), range.to()));
                }
            }
            List<PartitionSpan> timeline = new ArrayList<>();
            for (Topic t : AUDITED) {
                timeline.addAll(scan.plan(t, range.from(), range.to()));
            }
            long total = start(selection, timeline);
            Set<String> jobs = new LinkedHashSet<>(filter.jobIds());
            boolean[] truncated = {false};
            if (select) {
                jobs.clear();
                scan.read(
                        selection,
                        (t, r) -> {
                            Views.JobHead h = Views.head(r);
                            if (!jobs.contains(h.jobId())
                                    && filter.matches(h.jobId(), h.tenantId(), h.model(), h.workerId())) {
                                if (jobs.size() < limit) {
                                    jobs.add(h.jobId());
                                } else {
                                    truncated[0] = true;
                                }
                            }
                        },
                        progress);
            }
            AuditCollector collector = new AuditCollector(jobs);
            scan.read(timeline, collector::accept, progress);
            return collector.trail(range, truncated[0], total, scan.skipped());
        } finally {
            progress.finish();
        }
    }

    /**
     * The dead letters written in the range, at most {@code limit} (the first read), sorted by time;
     * {@code truncated} in the answer says whether more were there.
     *
     * @throws ReplayException when Kafka fails or a dead letter cannot be read
     */
    public DeadLetters deadLetters(ReplayRange range, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the dead-letter limit must be >= 1, was " + limit);
        }
        try (TopicScan scan = TopicScan.open(source)) {
            List<PartitionSpan> spans = scan.plan(Topic.DEAD_LETTERS, range.from(), range.to());
            start(spans);
            List<DeadLetter> letters = new ArrayList<>();
            boolean[] truncated = {false};
            scan.read(
                    spans,
                    (t, r) -> {
                        if (letters.size() < limit) {
                            letters.add(read(r));
                        } else {
                            truncated[0] = true;
                        }
                    },
                    progress);
            letters.sort(Comparator.comparing(DeadLetter::at));
            return new DeadLetters(letters, truncated[0]);
        } finally {
            progress.finish();
        }
    }

    private static DeadLetter read(ConsumerRecord<byte[], byte[]> r) {
        try {
            return WireSerdes.DEAD_LETTER.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            throw new ReplayException(
                    "dead letter at " + r.topic() + "-" + r.partition() + " offset " + r.offset() + " is unreadable: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Dead letters read by {@link #deadLetters}, oldest first; {@code truncated} when the limit cut some. */
    public record DeadLetters(List<DeadLetter> letters, boolean truncated) {
        public DeadLetters {
            letters = List.copyOf(letters);
        }
    }

    /**
     * Recomputes the cost of every job with a terminal result in the range from the raw events (usage,
     * the batch it ran in, its worker's price on the workers topic) and compares it with the result
     * record and the store; lists missing results, different costs and duplicate terminal results.
     * Holds one small entry per job. Records that cannot be read are skipped and named in {@link
     * Reconciliation#skipped()}.
     *
     * @throws ReplayException when Kafka fails
     * @throws io.inferbroker.store.StoreUnavailableException when the store cannot be reached
     */
    public Reconciliation reconcile(ReplayRange range, ReplayFilter filter, ResultLedger ledger) {
        try (TopicScan scan = TopicScan.open(source)) {
            List<PartitionSpan> workers = scan.plan(Topic.WORKERS, null, range.to());
            List<PartitionSpan> dispatch =
                    scan.plan(Topic.DISPATCH, range.from().minus(dispatchLookback), range.to());
            List<PartitionSpan> results = scan.plan(Topic.RESULTS, range.from(), range.to());
            long total = start(workers, dispatch, results);
            PriceHistory prices = new PriceHistory();
            BatchSizes batches = new BatchSizes();
            scan.read(workers, (t, r) -> prices.add(r), progress);
            scan.read(dispatch, (t, r) -> batches.add(r), progress);
            Reconciler reconciler = new Reconciler(filter, prices, batches);
            scan.read(results, (t, r) -> reconciler.addResult(r), progress);
            return reconciler.finish(ledger, range, total, scan.skipped());
        } finally {
            progress.finish();
        }
    }

    @SafeVarargs
    private long start(List<PartitionSpan>... plans) {
        long total = 0;
        for (List<PartitionSpan> plan : plans) {
            for (PartitionSpan s : plan) {
                total += s.size();
            }
        }
        progress.start(total);
        return total;
    }

    private static String key(byte[] key) {
        return key == null ? "" : new String(key, StandardCharsets.UTF_8);
    }
}
