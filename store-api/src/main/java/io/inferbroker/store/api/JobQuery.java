package io.inferbroker.store.api;

import io.inferbroker.schemas.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page request of a tenant's jobs, newest first.
 *
 * @param status only jobs in this status, when present
 * @param model only jobs of this model, when present
 * @param limit page size, 1 to {@value #MAX_LIMIT}
 * @param after continue after this position (from the previous page's {@link JobPage#next()})
 */
public record JobQuery(Optional<JobStatus> status, Optional<String> model, int limit, Optional<Cursor> after) {
    public static final int MAX_LIMIT = 100;

    public JobQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    /**
     * A position in the newest-first order: the last job of a page. Opaque to clients, who get it as
     * {@link #encode()} text.
     */
    public record Cursor(Instant createdAt, String id) {
        public String encode() {
            String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** Parses {@link #encode()} text; empty when it is not a cursor this store made. */
        public static Optional<Cursor> decode(@Nullable String text) {
            if (text == null || text.isEmpty()) {
                return Optional.empty();
            }
            try {
                String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int colon = raw.indexOf(':');
                int dot = raw.indexOf('.');
                if (colon < 0 || dot < 0 || dot > colon || colon == raw.length() - 1) {
                    return Optional.empty();
                }
                Instant at = Instant.ofEpochSecond(
                        Long.parseLong(raw.substring(0, dot)), Long.parseLong(raw.substring(dot + 1, colon)));
                return Optional.of(new Cursor(at, raw.substring(colon + 1)));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                return Optional.empty();
            }
        }
    }
}
