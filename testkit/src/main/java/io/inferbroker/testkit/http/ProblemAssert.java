package io.inferbroker.testkit.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on an RFC 9457 problem answer as the broker writes one. Every check first asserts what
 * any problem answer holds: the content type {@code application/problem+json}, a JSON object whose
 * {@code status} is the answer's own, a {@code title}, and no stack trace in the body.
 *
 * <pre>{@code
 * JsonNode problem = assertProblem(answer, "validation");
 * assertThatProblem(answer).as(route).hasDetail();
 * assertThatProblem(answer).hasStatus(422).hasFirstError("pointer", "/url");
 * }</pre>
 */
public final class ProblemAssert extends AbstractAssert<ProblemAssert, Answer> {
    static final String PROBLEM_JSON = "application/problem+json";

    private @Nullable JsonNode problem;

    private ProblemAssert(Answer actual) {
        super(actual, ProblemAssert.class);
    }

    /** Assertions on {@code answer} as a problem; each of them first asserts that it is one. */
    public static ProblemAssert assertThatProblem(Answer answer) {
        return new ProblemAssert(answer);
    }

    /** Asserts that {@code answer} is a problem of the type {@code /problems/<slug>}; answers its body. */
    public static JsonNode assertProblem(Answer answer, String slug) {
        return assertThatProblem(answer).hasType(slug).problem();
    }

    /** Asserts what every problem answer holds (see the class). */
    public ProblemAssert isProblem() {
        problem();
        return this;
    }

    /** Asserts that the answer is a problem with the HTTP status {@code status}. */
    public ProblemAssert hasStatus(int status) {
        isProblem();
        if (actual.statusCode() != status) {
            failWithMessage(
                    "Expected the status <%s> but it was <%s>: %s", status, actual.statusCode(), actual.quoted());
        }
        return this;
    }

    /** Asserts that the answer is a problem of the type {@code /problems/<slug>}. */
    public ProblemAssert hasType(String slug) {
        String type = problem().path("type").asText();
        if (!type.equals("/problems/" + slug)) {
            failWithMessage(
                    "Expected the problem type </problems/%s> but it was <%s>: %s", slug, type, actual.quoted());
        }
        return this;
    }

    /** Asserts that the answer is a problem whose {@code detail} says something. */
    public ProblemAssert hasDetail() {
        if (problem().path("detail").asText().isBlank()) {
            failWithMessage("Expected a problem with a detail but it had none: %s", actual.quoted());
        }
        return this;
    }

    /**
     * Asserts that the answer is a problem whose first error names {@code where} under {@code field}:
     * {@code pointer} (a JSON pointer into the body), {@code parameter} or {@code header}.
     */
    public ProblemAssert hasFirstError(String field, String where) {
        String named = problem().path("errors").path(0).path(field).asText(null);
        if (!where.equals(named)) {
            failWithMessage(
                    "Expected the problem's first error to have %s <%s> but it had <%s>: %s",
                    field, where, named, actual.quoted());
        }
        return this;
    }

    /** The problem's body, once asserted to be a problem (see the class). */
    public JsonNode problem() {
        if (problem != null) {
            return problem;
        }
        isNotNull();
        String type = actual.header("Content-Type").orElse("");
        if (!type.startsWith(PROBLEM_JSON)) {
            failWithMessage(
                    "Expected an answer of type <%s> but it was <%s> (status %s): %s",
                    PROBLEM_JSON, type, actual.statusCode(), actual.quoted());
        }
        JsonNode json = parse();
        if (json.path("status").asInt() != actual.statusCode()) {
            failWithMessage(
                    "Expected the problem's status to be the answer's <%s> but it was <%s>: %s",
                    actual.statusCode(), json.path("status"), actual.quoted());
        }
        if (!json.has("title")) {
            failWithMessage("Expected a problem with a title but it had none: %s", actual.quoted());
        }
        if (actual.body().contains("Exception") || actual.body().contains("\tat ")) {
            failWithMessage("Expected a problem without a stack trace but it said: %s", actual.quoted());
        }
        problem = json;
        return json;
    }

    private JsonNode parse() {
        try {
            JsonNode json = actual.json();
            if (!json.isObject()) {
                failWithMessage("Expected a problem as a JSON object but it was: %s", actual.quoted());
            }
            return json;
        } catch (UncheckedIOException e) {
            failWithMessage("Expected a problem as a JSON object but it was not JSON: %s", actual.quoted());
            throw e;
        }
    }
}
