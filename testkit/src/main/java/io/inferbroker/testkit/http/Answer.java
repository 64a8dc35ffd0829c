package io.inferbroker.testkit.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * An HTTP answer read whole as text. Its parts are named as {@link HttpResponse} names them, so a
 * test reads the same with either.
 *
 * @param statusCode the HTTP status
 * @param headers the answer's headers
 * @param body the body, decoded as UTF-8 unless the answer names another charset
 */
public record Answer(int statusCode, HttpHeaders headers, String body) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUOTED = 500;

    static Answer of(HttpResponse<String> response) {
        return new Answer(response.statusCode(), response.headers(), response.body());
    }

    /** The body as JSON; throws, quoting the body, when it is not JSON. */
    public JsonNode json() {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("the answer (" + statusCode + ") is not JSON: " + quoted(), e);
        }
    }

    /** The first value of the header {@code name}, if the answer has it. */
    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The body, cut short when long: for messages. */
    String quoted() {
        return body.length() > QUOTED ? body.substring(0, QUOTED) + "...(" + body.length() + " chars)" : body;
    }
}
