package io.inferbroker.schemas.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads an HTTP {@code Retry-After} value (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
 *
 * <p>One rule for every caller: a value that is absent, blank, negative, not a number or not a date
 * is ignored (empty); an HTTP-date in the past means zero; a delta-seconds too large to use is read as
 * {@link #CEILING}, the largest delta RFC 9111 §1.2.2 asks a reader to handle, so that adding it to an
 * instant cannot overflow. Callers cap the wait to their own limits.
 */
public final class RetryAfter {
    /** The longest wait this reader returns: 2^31 seconds, about 68 years. */
    public static final Duration CEILING = Duration.ofSeconds(1L << 31);

    private RetryAfter() {}

    /** The wait {@code header} asks for from {@code now}; empty when it asks for nothing usable. */
    public static Optional<Duration> parse(@Nullable String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        if (isDigits(value)) {
            return Optional.of(deltaSeconds(value));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            return Optional.of(at.isAfter(now) ? atMostCeiling(Duration.between(now, at)) : Duration.ZERO);
        } catch (DateTimeParseException ignored) {
            return Optional.empty();
        }
    }

    /** delta-seconds = 1*DIGIT, ASCII digits only: no sign, no other script's digits. */
    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static Duration deltaSeconds(String digits) {
        try {
            return atMostCeiling(Duration.ofSeconds(Long.parseLong(digits)));
        } catch (NumberFormatException tooLong) {
            return CEILING;
        }
    }

    private static Duration atMostCeiling(Duration wait) {
        return wait.compareTo(CEILING) > 0 ? CEILING : wait;
    }
}
