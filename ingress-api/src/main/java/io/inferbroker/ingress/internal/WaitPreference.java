package io.inferbroker.ingress.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How long a jobs request may be held for its job to finish: {@code Prefer: wait[=seconds]} (RFC
 * 7240) on {@code POST /v1/jobs}, {@code ?wait=seconds} on {@code GET /v1/jobs/{id}}. Whole seconds
 * from 0 to {@value #MAX_SECONDS}; a bare {@code wait} preference means {@value #DEFAULT_SECONDS}.
 * A bad value answers 422; its error names the header ({@code "pointer": "Prefer"}) or the query
 * parameter ({@code "pointer": "?wait"}), as body fields are named by JSON pointers.
 */
final class WaitPreference {
    public static final int DEFAULT_SECONDS = 60;
    public static final int MAX_SECONDS = 300;
    static final String HEADER_POINTER = "Prefer";
    static final String QUERY_POINTER = "?wait";

    private WaitPreference() {}

    /**
     * The wait asked for by a {@code Prefer} header; empty when there is no header, no {@code wait}
     * preference in it, or {@code wait=0}. Other preferences are ignored.
     */
    public static Optional<Duration> fromPrefer(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        for (String preference : header.split(",")) {
            String first = preference.split(";", 2)[0].trim();
            String[] nameValue = first.split("=", 2);
            if (!nameValue[0].trim().toLowerCase(Locale.ROOT).equals("wait")) {
                continue;
            }
            if (nameValue.length == 1) {
                return Optional.of(Duration.ofSeconds(DEFAULT_SECONDS));
            }
            return seconds(unquote(nameValue[1].trim()), HEADER_POINTER);
        }
        return Optional.empty();
    }

    /** The wait asked for by the {@code ?wait} query parameter; empty when absent or 0. */
    public static Optional<Duration> fromQuery(@Nullable String value) {
        if (value == null) {
            return Optional.empty();
        }
        return seconds(value.trim(), QUERY_POINTER);
    }

    private static Optional<Duration> seconds(String text, String pointer) {
        int seconds;
        try {
            seconds = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalid(pointer, text);
        }
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw invalid(pointer, text);
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }

    private static ProblemException invalid(String pointer, String text) {
        String what = pointer.equals(HEADER_POINTER) ? "the wait preference" : "wait";
        return Problems.validation(List.of(new Problem.FieldError(
                pointer, what + " must be whole seconds from 0 to " + MAX_SECONDS + ", was '" + text + "'")));
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** The {@code Preference-Applied} value for a wait that was honoured. */
    public static String applied(Duration wait) {
        return "wait=" + wait.toSeconds();
    }
}
