package io.inferbroker.replay;

import java.util.Locale;

/** How a replay's outcome is written. Not every report takes every format (see the writers). */
public enum ReportFormat {
    /** Aligned columns for a terminal. */
    TABLE,
    /** Comma-separated values with a header row (cost reports). */
    CSV,
    /** One JSON document (cost reports, reconciliations) or JSON lines (audits). */
    JSON,
    /** A self-contained HTML page with inline SVG charts that opens offline (cost reports). */
    HTML;

    /** Parses a format name, case-insensitively. */
    public static ReportFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format takes table, csv, json or html; was '" + text + "'", e);
        }
    }
}
