package io.inferbroker.store;

import java.util.regex.Pattern;

/**
 * How to reach the broker's PostgreSQL database. Validated on construction; error messages name the
 * external setting ({@code BROKER_DB_*}). {@link #toString()} never shows the password.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://host[:port]/database} URL ({@code BROKER_DB_URL})
 * @param user database user ({@code BROKER_DB_USER})
 * @param password the user's password, empty for trust authentication ({@code BROKER_DB_PASSWORD})
 * @param poolSize most connections held open at once, at least 1 ({@code BROKER_DB_POOL_SIZE})
 * @param schema the schema the broker's tables live in, created if missing; a lower-case SQL
 *     identifier ({@code BROKER_DB_SCHEMA}, default {@value #DEFAULT_SCHEMA})
 */
public record StoreConfig(String jdbcUrl, String user, String password, int poolSize, String schema) {
    public static final String DEFAULT_SCHEMA = "public";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

    public StoreConfig {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "BROKER_DB_URL must be a jdbc:postgresql://host:port/database URL, was '" + redact(jdbcUrl) + "'");
        }
        if (user.isBlank()) {
            throw new IllegalArgumentException("BROKER_DB_USER must not be blank");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("BROKER_DB_POOL_SIZE must be >= 1, was " + poolSize);
        }
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException(
                    "BROKER_DB_SCHEMA must be a lower-case SQL identifier (a-z, 0-9, '_', not starting with a digit),"
                            + " was '" + schema + "'");
        }
    }

    /** A configuration using the {@value #DEFAULT_SCHEMA} schema. */
    public StoreConfig(String jdbcUrl, String user, String password, int poolSize) {
        this(jdbcUrl, user, password, poolSize, DEFAULT_SCHEMA);
    }

    @Override
    public String toString() {
        return "StoreConfig[jdbcUrl=" + redact(jdbcUrl) + ", user=" + user + ", password="
                + (password.isEmpty() ? "" : "****") + ", poolSize=" + poolSize + ", schema=" + schema + "]";
    }

    private static String redact(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1****");
    }
}
