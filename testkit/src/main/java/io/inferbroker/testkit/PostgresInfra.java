package io.inferbroker.testkit;

/**
 * One test's view of the shared PostgreSQL server: a schema of its own in the shared database.
 * {@link #jdbcUrl()} already selects that schema as the search path.
 */
public record PostgresInfra(String baseJdbcUrl, String user, String password, String schema) {

    /** The JDBC URL with {@code currentSchema} set to this test's schema. */
    public String jdbcUrl() {
        return baseJdbcUrl + (baseJdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
