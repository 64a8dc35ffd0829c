package io.inferbroker.dispatcher;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How often a tenant's spending starts again from zero: never ({@link #TOTAL}), each UTC day, or each
 * UTC calendar month. Reservations of jobs still running carry over into the new period.
 */
public enum BudgetPeriod {
    TOTAL,
    DAY,
    MONTH;

    private static final DateTimeFormatter DAY_KEY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH_KEY =
            DateTimeFormatter.ofPattern("uuuu-MM").withZone(ZoneOffset.UTC);

    /** The period {@code at} falls in, as a key: {@code total}, {@code 2026-11-25} or {@code 2026-11}. */
    public String keyOf(Instant at) {
        return switch (this) {
            case TOTAL -> "total";
            case DAY -> DAY_KEY.format(at);
            case MONTH -> MONTH_KEY.format(at);
        };
    }

    /**
     * The period of a configuration name: {@code total}, {@code day} or {@code month} (any case).
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static BudgetPeriod fromName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "total" -> TOTAL;
            case "day" -> DAY;
            case "month" -> MONTH;
            default ->
                throw new IllegalArgumentException("the budget period must be total, day or month, was '" + name + "'");
        };
    }
}
