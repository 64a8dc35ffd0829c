package io.inferbroker.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A dimension a cost report groups by. Day and hour are UTC, of the result's completion. */
public enum GroupBy {
    TENANT,
    MODEL,
    WORKER,
    DAY,
    HOUR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a comma-separated list such as {@code tenant,model}; blank means no grouping (one row).
     *
     * @throws IllegalArgumentException naming the unknown dimension
     */
    public static List<GroupBy> parseList(String text) {
        List<GroupBy> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            GroupBy g = switch (p) {
                case "tenant" -> TENANT;
                case "model" -> MODEL;
                case "worker" -> WORKER;
                case "day" -> DAY;
                case "hour" -> HOUR;
                default ->
                    throw new IllegalArgumentException(
                            "--group-by takes tenant, model, worker, day or hour; was '" + part.trim() + "'");
            };
            if (!out.contains(g)) {
                out.add(g);
            }
        }
        return List.copyOf(out);
    }
}
