package io.inferbroker.schemas;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** When a job passed each stage; stages it never reached are null. */
public record Timings(
        Instant acceptedAt,
        @Nullable Instant dispatchedAt,
        @Nullable Instant startedAt,
        @Nullable Instant firstTokenAt,
        Instant completedAt) {}
