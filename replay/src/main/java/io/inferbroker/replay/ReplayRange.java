package io.inferbroker.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A half-open time range {@code [from, to)} of record timestamps. A record belongs to it when its
 * offset lies between the first offset at or after {@code from} and the first at or after {@code to}
 * in its partition (Kafka's {@code offsetsForTimes}). An empty range ({@code from == to}) reads nothing.
 */
public record ReplayRange(Instant from, Instant to) {
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})([smhd])");

    public ReplayRange {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("--from (" + from + ") must not be after --to (" + to + ")");
        }
    }

    /**
     * Parses {@code --from} and {@code --to}: RFC 3339 timestamps ({@code 2026-11-25T10:00:00Z}), a time
     * relative to {@code now} ({@code 7d}, {@code 12h}, {@code 30m}, {@code 45s} ago) or {@code now}.
     *
     * @throws IllegalArgumentException naming the option when a value is neither
     */
    public static ReplayRange parse(String from, String to, Instant now) {
        return new ReplayRange(instant("--from", from, now), instant("--to", to, now));
    }

    /** One time value as {@link #parse} reads it. */
    public static Instant instant(String option, String text, Instant now) {
        String t = text.trim();
        if (t.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration ago = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(ago);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be an RFC 3339 time (2026-11-25T10:00:00Z), a"
                    + " relative time like 7d, 12h, 30m or 45s, or 'now'; was '" + text + "'");
        }
    }
}
