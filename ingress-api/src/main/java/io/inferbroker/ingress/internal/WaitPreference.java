package io.inferbroker.ingress.internal;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How long a request asks to wait for its job to finish: {@code Prefer: wait[=seconds]} (RFC 7240;
 * a malformed preference is ignored, as the RFC asks) or the {@code wait} query parameter (a bad
 * value is a 422).
 */
final class WaitPreference {
    static final Duration DEFAULT = Duration.ofSeconds(60);
    static final int MAX_SECONDS = 300;
    private static final Pattern PREFER =
            Pattern.compile("(?:^|[,;\\s])wait(?:\\s*=\\s*\"?(\\d{1,6})\"?)?(?:$|[,;\\s])");

    private WaitPreference() {}

    /** The wait a {@code Prefer} header asks for, capped at {@value #MAX_SECONDS} s. */
    static Optional<Duration> fromPrefer(@Nullable String prefer) {
        if (prefer == null) {
            return Optional.empty();
        }
        Matcher m = PREFER.matcher(prefer.toLowerCase(java.util.Locale.ROOT));
        if (!m.find()) {
            return Optional.empty();
        }
        if (m.group(1) == null) {
            return Optional.of(DEFAULT);
        }
        return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(m.group(1)), MAX_SECONDS)));
    }

    /** The {@code wait} query parameter; empty when absent or 0. */
    static Optional<Duration> fromQuery(Context ctx) {
        String text = ctx.queryParam("wait");
        if (text == null) {
            return Optional.empty();
        }
        int seconds;
        try {
            seconds = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > MAX_SECONDS) {
            throw Problems.validation(
                    List.of(Problem.FieldError.query("wait", "must be an integer from 0 to " + MAX_SECONDS)));
        }
        return seconds == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }
}
