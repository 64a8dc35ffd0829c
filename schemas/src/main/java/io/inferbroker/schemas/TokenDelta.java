package io.inferbroker.schemas;

import java.time.Instant;

/**
 * Value of the tokens topic (key: job id): generated text. {@code seq} counts from 1 per job attempt,
 * so a reader can resume exactly after the last delta it saw.
 */
public record TokenDelta(int schemaVersion, String jobId, int attempt, long seq, int index, String text, Instant at) {

    public static final int VERSION = 1;
}
