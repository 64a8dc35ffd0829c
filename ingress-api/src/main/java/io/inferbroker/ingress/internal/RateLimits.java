package io.inferbroker.ingress.internal;

/**
 * The rate limits in force for one tenant: its own, or the configured defaults. 0 = unlimited.
 *
 * @param requestsPerMinute requests per minute
 * @param tokensPerMinute estimated tokens per minute ({@link TokenEstimate})
 */
record RateLimits(long requestsPerMinute, long tokensPerMinute) {

    public static final RateLimits UNLIMITED = new RateLimits(0, 0);

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException(
                    "rate limits must be >= 0, were " + requestsPerMinute + " and " + tokensPerMinute);
        }
    }
}
