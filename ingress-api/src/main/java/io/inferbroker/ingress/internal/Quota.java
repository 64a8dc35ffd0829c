package io.inferbroker.ingress.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The state of one rate-limit policy for one tenant after an admission decision, as the RateLimit
 * headers report it.
 *
 * @param policy the policy's name in the headers ({@code rpm}, {@code tpm})
 * @param limit units per window
 * @param window the window the limit refills over
 * @param remaining units left now
 * @param untilMore time until at least one more unit is available; zero when the quota is full
 * @param unit what is counted when not requests, such as {@code tokens}; null for requests
 */
record Quota(
        String policy,
        long limit,
        Duration window,
        long remaining,
        Duration untilMore,
        @Nullable String unit) {}
