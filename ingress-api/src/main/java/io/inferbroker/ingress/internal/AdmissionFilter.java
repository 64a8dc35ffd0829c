package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.ingress.ModelInfo;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;

/**
 * Before-handler for {@code POST /v1/jobs} (after authentication): asks the admission policy about
 * a valid submission and answers 429 or 503 when it is refused, so nothing reaches Kafka; on
 * admission the RateLimit headers go on the response. An invalid body is left to the submit
 * handler, which answers the validation problem; it does not count against the tenant's limits.
 * Every admitted submission counts, including a repeat carrying an earlier Idempotency-Key.
 */
public final class AdmissionFilter implements Handler {
    private final AdmissionPolicy policy;
    private final ObjectMapper mapper;
    private final SubmitParser parser;
    private final InstantSource clock;

    public AdmissionFilter(AdmissionPolicy policy, ObjectMapper mapper, List<ModelInfo> models, InstantSource clock) {
        this.policy = policy;
        this.mapper = mapper;
        this.parser = new SubmitParser(mapper, models);
        this.clock = clock;
    }

    @Override
    public void handle(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        SubmitParser.Submission submission;
        try {
            JsonNode body = mapper.readTree(ctx.bodyAsBytes());
            if (body == null) {
                return;
            }
            submission = parser.parse(body, clock.instant());
        } catch (IOException | ProblemException e) {
            return; // invalid: the submit handler answers the problem
        }
        ctx.attribute(SubmitParser.PARSED_ATTRIBUTE, submission);
        var request = new AdmissionRequest(
                Authenticator.principal(ctx).tenantId(), submission.model(), TokenEstimate.of(submission.input()));
        AdmissionProblems.apply(policy.admit(request), ctx);
    }
}
