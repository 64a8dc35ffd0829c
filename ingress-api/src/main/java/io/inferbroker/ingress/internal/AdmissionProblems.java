package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Answers an admission verdict on the problem+json endpoints: headers on admission, a problem on refusal. */
final class AdmissionProblems {
    private AdmissionProblems() {}

    /**
     * Puts the verdict's RateLimit headers on the response, or throws the refusal as a problem
     * ({@code rate-limited} 429 or {@code queue-full} 503) carrying them and {@code Retry-After}.
     */
    static void apply(AdmissionVerdict verdict, Context ctx) {
        switch (verdict) {
            case AdmissionVerdict.Admit admit -> admit.headers().forEach(ctx::header);
            case AdmissionVerdict.Reject reject -> throw new ProblemException(problem(reject));
        }
    }

    static Problem problem(AdmissionVerdict.Reject reject) {
        Map<String, Object> extensions = new LinkedHashMap<>(reject.context());
        extensions.put("retry_after_seconds", reject.retryAfterSeconds());
        return new Problem(
                reject.reason().slug(),
                reject.reason().title(),
                reject.status(),
                reject.detail(),
                List.of(),
                extensions,
                reject.headers());
    }
}
