package io.inferbroker.worker;

import io.inferbroker.schemas.DispatchedJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs jobs on one kind of model server (a simulator, an OpenAI-compatible endpoint, a KServe v2
 * endpoint). One adapter instance serves one worker; the worker decides how many sequences it hands
 * over at a time and closes the adapter when it stops.
 *
 * <p>Implementations are thread-safe: {@link #run} may be called again before earlier calls have
 * finished.
 */
public interface ModelAdapter extends AutoCloseable {

    /** Short protocol name reported in the worker's status, such as {@code sim} or {@code openai}. */
    String kind();

    /** A human-readable description of what serves the jobs, for status pages and logs. */
    String description();

    /** True when no real model answers, only a simulation of one. */
    default boolean isSimulator() {
        return false;
    }

    /** Whether the model server answered the last call (false after a connection failure). */
    default boolean healthy() {
        return true;
    }

    /**
     * Until when the model server asked for no more work (a 429 or 503 with its {@code
     * Retry-After}); empty when it did not or that time has passed.
     */
    default Optional<Instant> backpressureUntil() {
        return Optional.empty();
    }

    /**
     * Registers the callback the adapter runs whenever {@link #healthy()} or {@link
     * #backpressureUntil()} changes, so the worker can publish its status at once. One callback per
     * adapter; it returns quickly and may run on any thread.
     */
    default void onStatusChange(Runnable changed) {}

    /**
     * Starts {@code jobs}, which the worker runs together as one batch for {@code model}, and
     * returns without waiting for them. Tokens go to {@code sink} as they are generated.
     *
     * @return one future per job, in the order of {@code jobs}. A future completes with the job's
     *     outcome after the job's last token went to the sink. Failures of the model server or of
     *     the input are {@link JobOutcome.Failed} outcomes, not exceptional completions; callers
     *     still treat an exceptional completion as a failure. Cancelling a future asks the adapter
     *     to stop that job.
     */
    List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> jobs, TokenSink sink);

    /**
     * Stops every unfinished job (their futures complete with a failure) and releases the
     * adapter's threads and connections. Idempotent.
     */
    @Override
    void close();
}
