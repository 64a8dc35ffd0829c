package io.inferbroker.dispatcher.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a task has read its results partition far enough to judge the jobs of some workers
 * unfinished: up to the end offset the partition had once those workers were judged lost or
 * restarted ({@link ResultsHorizon}). Each new set of judged workers asks again, since results
 * written after the last answer are not covered by it. The wait lasts as long as the task keeps
 * reading its results: a task that just started on a busy machine may need longer than any fixed
 * bound. When the answer does not come, or reading stops short of it (a record the serdes refused
 * never reaches the processor), the judgement waits {@link #LIMIT} from the ask or the last record
 * read, whichever is later. Confined to the task's stream thread.
 */
final class Catchup {
    private static final Logger LOG = LoggerFactory.getLogger(Catchup.class);

    /**
     * Longest a judgement waits without reading a result: a job may then run twice, but it does not
     * stay on a dead worker.
     */
    static final Duration LIMIT = Duration.ofSeconds(30);

    private final ResultsHorizon horizon;
    private final TopicPartition results;
    /** The offset of the last result this task processed; -1 before the first. */
    private long read = -1;

    private @Nullable CompletableFuture<ResultsHorizon.Marks> asked;
    private Instant askedAt = Instant.MIN;
    /** The position the last check found, and when it had moved there. */
    private long position = -1;

    private Instant movedAt = Instant.MIN;
    private final Set<String> askedFor = new HashSet<>();

    Catchup(ResultsHorizon horizon, TopicPartition results) {
        this.horizon = horizon;
        this.results = results;
    }

    /** Notes that the task processed the record at {@code where}, when that is its results partition. */
    void read(RecordMetadata where) {
        if (where.topic().equals(results.topic())) {
            read = Math.max(read, where.offset());
        }
    }

    /**
     * True when the jobs of {@code workers} may be judged: the task read its results up to where they
     * ended after each of these workers was judged, or read none for {@link #LIMIT}. Asks for the end
     * offset when a worker is judged for the first time.
     */
    boolean ready(Set<String> workers, Instant now) {
        if (asked == null || !askedFor.containsAll(workers)) {
            askedFor.addAll(workers);
            asked = horizon.ask(results);
            askedAt = now;
        }
        boolean waitedEnough = !now.isBefore(askedAt.plus(LIMIT));
        if (!asked.isDone()) {
            if (waitedEnough) {
                LOG.warn("no end offset of {} within {}; judging workers {} without it", results, LIMIT, workers);
            }
            return waitedEnough;
        }
        if (asked.isCompletedExceptionally()) {
            if (waitedEnough) {
                LOG.warn("the end offset of {} could not be read; judging workers {} without it", results, workers);
                return true;
            }
            asked = horizon.ask(results); // again on the next check, within the limit
            return false;
        }
        ResultsHorizon.Marks marks = asked.join();
        long reached = Math.max(marks.committed(), read + 1);
        if (reached >= marks.end()) {
            return true;
        }
        if (reached > position) {
            position = reached;
            movedAt = now;
        }
        waitedEnough = !now.isBefore(later(askedAt, movedAt).plus(LIMIT));
        if (waitedEnough) {
            LOG.warn(
                    "results of {} read up to {} (committed {}, last read {}) of {}, nothing more for {};"
                            + " judging workers {} without the rest",
                    results,
                    reached,
                    marks.committed(),
                    read,
                    marks.end(),
                    LIMIT,
                    workers);
        }
        return waitedEnough;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Forgets the judged workers once their jobs were dealt with: the next judgement asks anew. */
    void judged() {
        asked = null;
        askedFor.clear();
    }
}
