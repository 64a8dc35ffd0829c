package io.inferbroker.ingress.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;

/**
 * What this ingress instance knows of jobs without asking the result store or Kafka: the jobs it
 * accepted, where the jobs it produced stand by their lifecycle events, the recent tokens of the
 * jobs streamed here, and the results that arrived lately. The {@link JobFeed} tells it what it
 * reads; the handlers ask it, so a job accepted here moments ago is found, and a stream of it
 * opened or resumed, without a store read or a scan of the tokens topic. Everything is forgotten
 * after {@link #RETENTION} and kept within the size bounds below.
 *
 * <p>One feed fills it (see {@link #feedReading}). Thread-safe: the feed's thread tells, request
 * threads ask, concurrently.
 */
public final class LocalJobs {
    /**
     * How long a job is remembered here: the jobs accepted, the produced marks and the results from
     * when they were written, a token log from when it was last read or written. Two minutes bridges
     * the gap until the result store has consumed a job accepted here (its GET, cancel or stream is
     * answered from here meanwhile, and a result that came first is handed to a late subscriber),
     * and lets a client whose stream was cut reconnect and resume from memory rather than from the
     * tokens topic.
     */
    static final Duration RETENTION = Duration.ofMinutes(2);

    /** Most jobs accepted here remembered at once. */
    static final int MAX_ACCEPTED = 100_000;

    /** Most jobs produced here followed at once. */
    static final int MAX_PRODUCED = 100_000;

    /** Most jobs whose tokens are kept for resuming at once. */
    static final int MAX_TOKEN_LOGS = 10_000;

    /** Most recent results kept at once. */
    static final int MAX_RESULTS = 10_000;

    private final int tokenLogCapacity;

    /** The jobs accepted here (acknowledged by Kafka), on any route, until the result store has them. */
    private final Cache<String, JobRequested> accepted = Caffeine.newBuilder()
            .maximumSize(MAX_ACCEPTED)
            .expireAfterWrite(RETENTION)
            .build();

    /**
     * The jobs this instance produced, until they end: where each stands by its lifecycle events,
     * so a stream opened here without a store read starts from there, and whether its first token
     * has reached the feed, so such a stream knows when nothing came before it.
     */
    private final Cache<String, ProducedJob> produced = Caffeine.newBuilder()
            .maximumSize(MAX_PRODUCED)
            .expireAfterWrite(RETENTION)
            .build();

    /** Recent tokens of the jobs streamed here, so a client that reconnects resumes from memory. */
    private final Cache<String, TokenLog> tokenLogs = Caffeine.newBuilder()
            .maximumSize(MAX_TOKEN_LOGS)
            .expireAfterAccess(RETENTION)
            .build();

    /** The results that arrived lately, the first of each job, for a waiter that subscribes just after. */
    private final Cache<String, JobResult> results;

    /** When a result last left the recent results for lack of room (not age); EPOCH when never. */
    private volatile Instant lastResultEvicted = Instant.EPOCH;

    /** True while a feed reads every result into this; only then does a missing result mean anything. */
    private volatile boolean fed;

    /**
     * Remembers jobs within the size bounds above.
     *
     * @param tokenLogCapacity most tokens kept per streamed job: as many as a stream may queue
     */
    public LocalJobs(int tokenLogCapacity) {
        this(tokenLogCapacity, MAX_RESULTS);
    }

    /** As {@link #LocalJobs(int)}, with room for {@code maxResults} recent results (tests make it small). */
    LocalJobs(int tokenLogCapacity, int maxResults) {
        this.tokenLogCapacity = tokenLogCapacity;
        this.results = Caffeine.newBuilder()
                .maximumSize(maxResults)
                .expireAfterWrite(RETENTION)
                // Runs as part of the eviction, so a reader that missed an evicted result sees the mark.
                .evictionListener((String id, JobResult r, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        lastResultEvicted = Instant.now();
                    }
                })
                .build();
    }

    /**
     * Remembers a job this instance accepted (Kafka acknowledged it), on any route, so that its GET,
     * cancel and stream find it at once, before the result store has it.
     */
    public void accepted(JobRequested job) {
        accepted.put(job.jobId(), job);
    }

    /** The job as this instance accepted it (within the {@link #RETENTION}), for its own tenant only. */
    Optional<JobRequested> acceptedHere(String tenantId, String jobId) {
        return Optional.ofNullable(accepted.getIfPresent(jobId))
                .filter(j -> j.tenantId().equals(tenantId));
    }

    /**
     * Notes a job this instance is about to produce; call before producing it. Until the job's first
     * token reaches the feed, a stream subscribing here has no backlog to read from the tokens topic;
     * until its terminal lifecycle event does, {@link #producedStatus} follows it.
     */
    void producing(String jobId) {
        produced.put(jobId, new ProducedJob());
    }

    /**
     * Where a job this instance produced (see {@link #producing}) stands by the lifecycle events read
     * so far: queued, dispatched or running; empty for other jobs. Never a terminal status: a
     * finished job's result comes with the result.
     */
    Optional<JobStatus> producedStatus(String jobId) {
        return Optional.ofNullable(produced.getIfPresent(jobId)).map(p -> p.status);
    }

    /**
     * Starts keeping the job's tokens for a stream subscribing to it here; call before subscribing.
     * The log of a job produced here whose first token has not reached the feed yet is known to start
     * with the job's first token: this claims the job's first-token mark, or finds the token took it.
     */
    void keepTokens(String jobId) {
        // The first-token mark is claimed once, by this or by the job's first token (see tokenArrives);
        // the log is made inside compute, which the feed thread waits on when the stream won.
        tokenLogs.asMap().compute(jobId, (k, log) -> {
            if (log != null) {
                return log;
            }
            ProducedJob job = produced.getIfPresent(k);
            return new TokenLog(tokenLogCapacity, job != null && job.claim(FirstToken.CLAIMED_BY_STREAM));
        });
    }

    /**
     * The feed read a token of {@code jobId}, not decoded yet: claims the first-token mark of a job
     * produced here when no stream took it (a stream subscribing later then reads the backlog from
     * Kafka) and answers the log the token goes in, or null when no stream keeps the job's tokens.
     * Called by the feed's thread only; may wait for a stream making the job's log right now.
     */
    @Nullable
    TokenLog tokenArrives(String jobId) {
        TokenLog log = tokenLogs.getIfPresent(jobId);
        ProducedJob job = log == null ? produced.getIfPresent(jobId) : null;
        if (job != null && !job.claim(FirstToken.CLAIMED_BY_TOKEN) && job.firstToken == FirstToken.CLAIMED_BY_STREAM) {
            // A stream claimed the mark and is making the job's log right now: wait for it.
            log = tokenLogs.asMap().compute(jobId, (k, existing) -> existing);
        }
        return log;
    }

    /**
     * The job's tokens after {@code position} as this instance recorded them since the job's first
     * stream subscription here; null when the record does not reach back to the position.
     */
    @Nullable
    List<TokenDelta> recentTokens(String jobId, StreamPosition position) {
        TokenLog log = tokenLogs.getIfPresent(jobId);
        return log == null ? null : log.after(position);
    }

    /** True while this instance follows a job it produced: its lifecycle events are then worth decoding. */
    boolean followsEvents(String jobId) {
        return produced.getIfPresent(jobId) != null;
    }

    /** The feed read a lifecycle event: a job produced here now stands there, or is no longer followed once it ended. */
    void eventRead(LifecycleEvent event) {
        ProducedJob job = produced.getIfPresent(event.jobId());
        if (job == null) {
            return;
        }
        JobStatus status = event.type().status();
        if (status.isTerminal()) {
            produced.invalidate(event.jobId());
        } else {
            job.status = status;
        }
    }

    /** The feed read a result: kept (the first one of a job) for a waiter that subscribes shortly after. */
    void resultRead(JobResult result) {
        results.asMap().putIfAbsent(result.jobId(), result);
    }

    /** The job's result when it arrived lately (within the {@link #RETENTION}), else null. */
    @Nullable
    JobResult recentResult(String jobId) {
        return results.getIfPresent(jobId);
    }

    /**
     * Whether a feed reads every result into this from now on; the feed says so when it starts and
     * when it stops polling.
     */
    void feedReading(boolean reading) {
        fed = reading;
    }

    /**
     * True when this instance can vouch that {@code jobId}, accepted here at {@code acceptedAt}
     * (within the {@link #RETENTION}), has no result yet: none arrived, none can have been dropped
     * from the recent results since the job was accepted, and the feed is reading. Lets a caller
     * skip a store read.
     */
    boolean knownUnfinished(String jobId, Instant acceptedAt) {
        return results.getIfPresent(jobId) == null && lastResultEvicted.isBefore(acceptedAt.minusSeconds(1)) && fed;
    }

    /** Who took a produced job's first-token mark: nobody yet, its first token, or a stream. */
    private enum FirstToken {
        PENDING,
        CLAIMED_BY_TOKEN,
        CLAIMED_BY_STREAM
    }

    /** What this instance follows of a job it produced. */
    private static final class ProducedJob {
        private static final AtomicReferenceFieldUpdater<ProducedJob, FirstToken> FIRST_TOKEN =
                AtomicReferenceFieldUpdater.newUpdater(ProducedJob.class, FirstToken.class, "firstToken");

        volatile JobStatus status = JobStatus.QUEUED;
        volatile FirstToken firstToken = FirstToken.PENDING;

        /** Takes the mark for {@code claimant}; false when it was taken already. */
        boolean claim(FirstToken claimant) {
            return FIRST_TOKEN.compareAndSet(this, FirstToken.PENDING, claimant);
        }
    }
}
