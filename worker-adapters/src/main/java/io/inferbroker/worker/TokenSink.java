package io.inferbroker.worker;

/**
 * Where an adapter streams generated text. Calls for one job come in generation order and never
 * concurrently; calls for different jobs may interleave and come from any thread. An implementation
 * must not block for long: it runs on the adapter's scheduling or I/O threads.
 */
@FunctionalInterface
public interface TokenSink {

    /**
     * Reports one token (or text fragment) of a job.
     *
     * @param jobId the job the text belongs to, one of the jobs passed to {@link ModelAdapter#run}
     * @param index the choice index (0 unless a job asked for several completions)
     * @param text the new text, exactly as it extends the output (leading spaces included)
     */
    void token(String jobId, int index, String text);
}
