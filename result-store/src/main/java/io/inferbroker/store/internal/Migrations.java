package io.inferbroker.store.internal;

import io.inferbroker.store.api.StoreException;
import io.inferbroker.store.api.StoreUnavailableException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a schema up to the newest migration under {@code db/migration}, creating the schema if needed. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /**
     * Migrates {@code schema}; safe to run from several processes at once (Flyway locks the schema).
     *
     * @throws StoreUnavailableException when the database cannot be reached
     * @throws StoreException when a migration fails or the schema is newer than this code
     */
    public static void migrate(DataSource dataSource, String schema, String address) {
        try {
            MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .schemas(schema)
                    .defaultSchema(schema)
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info(
                        "migrated schema {} in {} to version {} ({} migrations)",
                        schema,
                        address,
                        result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            if (FailureKind.of(e) == FailureKind.UNAVAILABLE) {
                throw new StoreUnavailableException(
                        "cannot migrate schema " + schema + ": PostgreSQL at " + address + " is unavailable: "
                                + StoreErrors.reason(e),
                        e);
            }
            throw new StoreException(
                    "cannot migrate schema " + schema + " in PostgreSQL at " + address + ": " + e.getMessage(), e);
        }
    }
}
