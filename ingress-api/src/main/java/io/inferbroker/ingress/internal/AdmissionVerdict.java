package io.inferbroker.ingress.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link AdmissionPolicy} decided about one submission. */
sealed interface AdmissionVerdict {

    /** The rate-limit quotas that applied, for the RateLimit headers; empty when none applied. */
    List<Quota> quotas();

    /**
     * Headers to answer with: {@code RateLimit-Policy} and {@code RateLimit} when quotas applied, and
     * on a rejection {@code Retry-After}.
     */
    Map<String, String> headers();

    /** The submission may go ahead; its share of the limits is taken. */
    record Admit(List<Quota> quotas) implements AdmissionVerdict {
        public Admit {
            quotas = List.copyOf(quotas);
        }

        public static Admit unlimited() {
            return new Admit(List.of());
        }

        @Override
        public Map<String, String> headers() {
            return RateLimitHeaders.of(quotas);
        }
    }

    /**
     * The submission is refused and nothing was taken from the limits.
     *
     * @param status the HTTP status: 429 for a tenant's rate limit, 503 for a full queue
     * @param retryAfter when trying again may succeed (an estimate)
     * @param detail for humans: which limit, its value, and what is left
     * @param context facts for the problem body, such as the model and its queue depth
     */
    record Reject(
            int status,
            AdmissionReason reason,
            Duration retryAfter,
            String detail,
            Map<String, Object> context,
            List<Quota> quotas)
            implements AdmissionVerdict {
        public Reject {
            context = Map.copyOf(context);
            quotas = List.copyOf(quotas);
        }

        /** {@link #retryAfter()} in whole seconds, rounded up, at least 1 (the Retry-After value). */
        public long retryAfterSeconds() {
            return Math.max(1, RateLimitHeaders.ceilSeconds(retryAfter));
        }

        @Override
        public Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>(RateLimitHeaders.of(quotas));
            headers.put("Retry-After", Long.toString(retryAfterSeconds()));
            return headers;
        }
    }
}
