package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The problems the ingress answers with, in one place so titles and types stay consistent. */
final class Problems {
    private Problems() {}

    public static ProblemException invalidJson(String detail) {
        return new ProblemException(new Problem("invalid-json", "Request body is not valid JSON", 400, detail));
    }

    public static ProblemException validation(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? where(errors.getFirst()) + ": " + errors.getFirst().detail()
                : errors.size() + " fields are invalid; see errors";
        return new ProblemException(
                new Problem("validation", "Request body failed validation", 422, detail, errors, Map.of(), Map.of()));
    }

    private static String where(Problem.FieldError e) {
        return e.pointer().startsWith("?") ? "query parameter " + e.pointer().substring(1) : e.pointer();
    }

    public static ProblemException unknownModel(String model, List<String> available) {
        return new ProblemException(new Problem(
                "unknown-model",
                "Unknown model",
                422,
                "model '" + model + "' is not served here; available: " + String.join(", ", available),
                List.of(new Problem.FieldError("/model", "unknown model '" + model + "'")),
                Map.of("available_models", available),
                Map.of()));
    }

    public static ProblemException missingKey() {
        return new ProblemException(new Problem(
                "unauthorized",
                "Missing API key",
                401,
                "send the API key as 'Authorization: Bearer <key>'",
                List.of(),
                Map.of(),
                Map.of("WWW-Authenticate", "Bearer")));
    }

    public static ProblemException invalidKey() {
        return new ProblemException(new Problem(
                "unauthorized",
                "Invalid API key",
                401,
                "the API key is unknown or revoked",
                List.of(),
                Map.of(),
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\"")));
    }

    public static ProblemException invalidIdempotencyKey(String why) {
        return new ProblemException(new Problem(
                "invalid-idempotency-key",
                "Invalid Idempotency-Key",
                422,
                "the Idempotency-Key header " + why,
                List.of(new Problem.FieldError("Idempotency-Key", why)),
                Map.of(),
                Map.of()));
    }

    public static ProblemException idempotencyKeyReused(String key, String jobId) {
        return new ProblemException(new Problem(
                "idempotency-key-reused",
                "Idempotency-Key reused with another request",
                409,
                "Idempotency-Key '" + key + "' was used within 24 h for job " + jobId
                        + " with a different body; use a new key for a new request"));
    }

    public static ProblemException jobFinished(String id, String status) {
        return new ProblemException(new Problem(
                "job-finished",
                "Job already finished",
                409,
                "job '" + id + "' is " + status + "; there is nothing to cancel"));
    }

    public static ProblemException jobNotFound(String id) {
        return new ProblemException(
                new Problem("not-found", "Job not found", 404, "no job '" + id + "' for this API key"));
    }

    public static ProblemException unsupportedMediaType(String contentType) {
        return new ProblemException(new Problem(
                "unsupported-media-type",
                "Unsupported media type",
                415,
                "send the body as application/json, not '" + contentType + "'"));
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(new Problem(
                "unavailable",
                "Service temporarily unavailable",
                503,
                detail,
                List.of(),
                Map.of(),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds))));
    }

    /** A job stream open for its longest allowed time; the job goes on and the client reconnects. */
    public static ProblemException streamTimeout(String jobId, Duration max) {
        return new ProblemException(new Problem(
                "stream-timeout",
                "Stream open too long",
                504,
                "the stream of job " + jobId + " was open for " + max.toSeconds()
                        + " s, the longest allowed; the job goes on: reconnect with Last-Event-ID to go on reading"));
    }

    /** A stream client that read too slowly: its buffer is full and the stream ends. */
    public static ProblemException streamTooSlow(String jobId, String lastEventId) {
        return new ProblemException(new Problem(
                "stream-too-slow",
                "Client reads too slowly",
                503,
                "the stream of job " + jobId + " was cut: its buffer filled up because the client read too slowly; "
                        + "reconnect with Last-Event-ID " + lastEventId,
                List.of(),
                Map.of("last_event_id", lastEventId),
                Map.of()));
    }

    /** A {@code Last-Event-ID} this API never gave out. */
    public static ProblemException invalidLastEventId(String value) {
        return new ProblemException(new Problem(
                "invalid-last-event-id",
                "Invalid Last-Event-ID",
                400,
                "Last-Event-ID '" + value + "' is not an event id of a job stream (<seq> or <attempt>.<seq>)",
                List.of(new Problem.FieldError("Last-Event-ID", "must be <seq> or <attempt>.<seq>")),
                Map.of(),
                Map.of()));
    }

    /** A model that exists but does not serve this OpenAI-compatible endpoint. */
    public static ProblemException modelNotSupported(String model, String path) {
        return new ProblemException(new Problem(
                "model-not-supported",
                "Model does not serve this endpoint",
                400,
                "model '" + model + "' does not serve " + path,
                List.of(new Problem.FieldError("/model", "model '" + model + "' does not serve " + path)),
                Map.of(),
                Map.of()));
    }

    /** A synchronous request whose job did not finish in time; the job goes on. */
    public static ProblemException syncTimeout(String jobId, long seconds, String jobUrl) {
        return new ProblemException(new Problem(
                "sync-timeout",
                "Job did not finish in time",
                504,
                "job " + jobId + " did not finish within " + seconds + " s; it goes on: poll " + jobUrl,
                List.of(),
                Map.of("job_id", jobId),
                Map.of(OpenAiErrors.JOB_ID_HEADER, jobId)));
    }

    /**
     * A job that ended without success, answered on a synchronous endpoint: invalid input 400,
     * canceled 409, expired 504, rejected 429 (rate or budget) or 400, any other failure 500. The
     * job's error code is kept as {@code code}.
     */
    public static ProblemException jobEnded(JobResult result) {
        JobError error = result.error() == null
                ? new JobError(
                        result.status().wireName(),
                        "the job ended " + result.status().wireName())
                : result.error();
        int status = switch (result.status()) {
            case CANCELED -> 409;
            case EXPIRED -> 504;
            case REJECTED -> error.code().matches(".*(rate|budget|quota|limit).*") ? 429 : 400;
            default -> "invalid_input".equals(error.code()) ? 400 : 500;
        };
        return new ProblemException(new Problem(
                "job-" + result.status().wireName(),
                "Job " + result.status().wireName(),
                status,
                "job " + result.jobId() + " " + result.status().wireName() + ": " + error.message(),
                List.of(),
                Map.of("code", error.code(), "job_id", result.jobId()),
                Map.of(OpenAiErrors.JOB_ID_HEADER, result.jobId())));
    }
}
