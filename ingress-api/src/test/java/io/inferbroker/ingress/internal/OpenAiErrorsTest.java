package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiErrorsTest {

    @Test
    void shouldCoverOnlyTheOpenAiPaths() {
        assertThat(OpenAiErrors.covers("/v1/chat/completions")).isTrue();
        assertThat(OpenAiErrors.covers("/v1/completions")).isTrue();
        assertThat(OpenAiErrors.covers("/v1/embeddings")).isTrue();
        assertThat(OpenAiErrors.covers("/v1/models")).isTrue();
        assertThat(OpenAiErrors.covers("/v1/jobs")).isFalse();
        assertThat(OpenAiErrors.covers("/v1/completionsx")).isFalse();
    }

    @Test
    void shouldAnswerValidationAs400WithTheParam() {
        var problem = Problems.validation(List.of(
                        new Problem.FieldError("/messages/0/role", "is required"),
                        new Problem.FieldError("/max_tokens", "must be a positive integer")))
                .problem();

        var error = OpenAiErrors.of(problem);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo("messages[0].role");
        assertThat(error.message()).isEqualTo("messages[0].role: is required; max_tokens: must be a positive integer");
    }

    @Test
    void shouldAnswerAnUnknownModelAs404ModelNotFound() {
        var error = OpenAiErrors.of(
                Problems.unknownModel("gpt-x", List.of("sim-echo")).problem());

        assertThat(error.status()).isEqualTo(404);
        assertThat(error.code()).isEqualTo("model_not_found");
        assertThat(error.param()).isEqualTo("model");
        assertThat(error.message()).contains("gpt-x");
    }

    @Test
    void shouldAnswerAuthFailuresAsInvalidApiKey() {
        var error = OpenAiErrors.of(Problems.invalidKey().problem());

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.code()).isEqualTo("invalid_api_key");
        assertThat(error.toJson(new ObjectMapper()).toString())
                .isEqualTo("{\"error\":{\"message\":\"the API key is unknown or revoked\","
                        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}");
    }

    @Test
    void shouldAnswerATimeoutAs504NamingTheJob() {
        var problem =
                Problems.syncTimeout("job-1", 120, "http://h/v1/jobs/job-1").problem();

        var error = OpenAiErrors.of(problem);

        assertThat(error.status()).isEqualTo(504);
        assertThat(error.type()).isEqualTo("server_error");
        assertThat(error.code()).isEqualTo("timeout");
        assertThat(error.message()).contains("job-1").contains("http://h/v1/jobs/job-1");
        assertThat(problem.headers()).containsEntry("x-job-id", "job-1");
    }

    @Test
    void shouldAnswerAdmissionRefusalsAsOpenAisRateLimitAndOverloadErrors() {
        var requests = OpenAiErrors.of(AdmissionProblems.problem(
                refusal(429, AdmissionReason.REQUESTS_PER_MINUTE, Map.of("limit", "requests_per_minute"))));
        var tokens = OpenAiErrors.of(AdmissionProblems.problem(
                refusal(429, AdmissionReason.TOKENS_PER_MINUTE, Map.of("limit", "tokens_per_minute"))));
        var queue = OpenAiErrors.of(AdmissionProblems.problem(
                refusal(503, AdmissionReason.QUEUE_FULL, Map.of("model", "sim-echo", "queued", 4))));

        assertThat(requests.status()).isEqualTo(429);
        assertThat(requests.type()).isEqualTo("requests");
        assertThat(requests.code()).isEqualTo("rate_limit_exceeded");
        assertThat(requests.message()).isEqualTo("it is refused");
        assertThat(tokens.status()).isEqualTo(429);
        assertThat(tokens.type()).isEqualTo("tokens");
        assertThat(tokens.code()).isEqualTo("rate_limit_exceeded");
        assertThat(queue.status()).isEqualTo(503);
        assertThat(queue.type()).isEqualTo("server_error");
        assertThat(queue.code()).isEqualTo("queue_full");
    }

    private static AdmissionVerdict.Reject refusal(int status, AdmissionReason reason, Map<String, Object> context) {
        return new AdmissionVerdict.Reject(status, reason, Duration.ofSeconds(2), "it is refused", context, List.of());
    }

    @Test
    void shouldKeepTheJobErrorCodeOfAFailedJob() {
        var invalid = OpenAiErrors.of(
                Problems.jobEnded(result(JobStatus.FAILED, "invalid_input")).problem());
        var crashed = OpenAiErrors.of(
                Problems.jobEnded(result(JobStatus.FAILED, "adapter_closed")).problem());
        var canceled = OpenAiErrors.of(
                Problems.jobEnded(result(JobStatus.CANCELED, "canceled")).problem());

        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.code()).isEqualTo("invalid_input");
        assertThat(crashed.status()).isEqualTo(500);
        assertThat(crashed.type()).isEqualTo("server_error");
        assertThat(canceled.status()).isEqualTo(409);
    }

    @Test
    void shouldTurnPointersIntoOpenAiParams() {
        assertThat(OpenAiErrors.param("/model")).isEqualTo("model");
        assertThat(OpenAiErrors.param("/stream_options/include_usage")).isEqualTo("stream_options.include_usage");
        assertThat(OpenAiErrors.param("?wait")).isEqualTo("wait");
        assertThat(OpenAiErrors.param("")).isNull();
    }

    private static JobResult result(JobStatus status, String code) {
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        return new JobResult(
                JobResult.VERSION,
                "job-1",
                "tenant",
                "sim-echo",
                status,
                null,
                new JobError(code, "it went wrong"),
                null,
                null,
                null,
                1,
                new Timings(t, null, null, null, t));
    }
}
