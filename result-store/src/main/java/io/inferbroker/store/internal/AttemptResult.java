package io.inferbroker.store.internal;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What one HTTP attempt of a webhook message came to. */
public sealed interface AttemptResult {

    /** The HTTP status, when the target answered. */
    @Nullable
    Integer httpStatus();

    /** A 2xx answer. */
    record Delivered(Integer httpStatus) implements AttemptResult {}

    /** 410 Gone: the target wants no more messages; its subscription is disabled. */
    record Gone(Integer httpStatus) implements AttemptResult {}

    /**
     * Any other answer (3xx too: redirects are not followed), a timeout or a network error.
     *
     * @param retryAfter what a {@code Retry-After} header asked for
     */
    record Failed(@Nullable Integer httpStatus, String error, Optional<Duration> retryAfter) implements AttemptResult {}

    /** The target resolves or connects to an address the SSRF guard refuses; nothing was sent. */
    record Refused(String error) implements AttemptResult {
        @Override
        public @Nullable Integer httpStatus() {
            return null;
        }
    }
}
