package io.inferbroker.ingress.internal;

/**
 * Decides whether one submission may enter the broker. Every endpoint that accepts work asks the
 * same policy object ({@link Admission}) before it produces anything to Kafka:
 *
 * <pre>{@code
 * AdmissionVerdict verdict = admission.admit(
 *         new AdmissionRequest(principal.tenantId(), model, TokenEstimate.of(openAiShapedBody)));
 * switch (verdict) {
 *     case AdmissionVerdict.Admit admit -> admit.headers().forEach(ctx::header); // then accept the job
 *     case AdmissionVerdict.Reject reject -> ... // answer reject.status() with reject.headers()
 * }
 * }</pre>
 *
 * {@code POST /v1/jobs} does this in {@link AdmissionFilter} and answers a rejection as a problem
 * ({@link AdmissionProblems}); the OpenAI-compatible endpoints answer the same verdict in OpenAI's
 * error shape, with {@link AdmissionVerdict.Reject#detail()} as the message.
 *
 * <p>Implementations are thread-safe and do not block, apart from reading a tenant's limits once
 * per cache period. An admitted request has consumed its share of the limits; there is no undo.
 */
@FunctionalInterface
interface AdmissionPolicy {

    AdmissionVerdict admit(AdmissionRequest request);
}
