package io.inferbroker.ingress.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Formats quotas as the {@code RateLimit-Policy} and {@code RateLimit} fields of
 * draft-ietf-httpapi-ratelimit-headers-10 (structured-field lists):
 *
 * <pre>
 * RateLimit-Policy: "rpm";q=60;w=60, "tpm";q=40000;w=60;ib-unit="tokens"
 * RateLimit: "rpm";r=59;t=1, "tpm";r=39874;t=1
 * </pre>
 *
 * {@code q} is the limit per window {@code w} (seconds), {@code r} what remains, {@code t} the
 * seconds until more is available (rounded up). The draft registers no quota unit for tokens, so
 * the tokens policy says so in a vendor parameter, {@code ib-unit}, rather than in {@code qu}.
 */
final class RateLimitHeaders {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private RateLimitHeaders() {}

    /** Both fields for these quotas; no fields when there are none. */
    static Map<String, String> of(List<Quota> quotas) {
        if (quotas.isEmpty()) {
            return Map.of();
        }
        String policy = quotas.stream().map(RateLimitHeaders::policy).collect(Collectors.joining(", "));
        String state = quotas.stream()
                .map(q -> quoted(q.policy()) + ";r=" + q.remaining() + ";t=" + ceilSeconds(q.untilMore()))
                .collect(Collectors.joining(", "));
        return Map.of(POLICY, policy, STATE, state);
    }

    private static String policy(Quota q) {
        String item = quoted(q.policy()) + ";q=" + q.limit() + ";w=" + Math.max(1, ceilSeconds(q.window()));
        return q.unit() == null ? item : item + ";ib-unit=" + quoted(q.unit());
    }

    private static String quoted(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static long ceilSeconds(Duration d) {
        return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    }
}
