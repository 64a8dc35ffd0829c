/**
 * The result store: PostgreSQL holding jobs, tenants and API keys, and the {@link
 * io.inferbroker.store.ResultSink} that fills it from Kafka. {@link io.inferbroker.store.StoreDatabase}
 * is the entry point; everything under {@code io.inferbroker.store.internal} is an implementation
 * detail. Jdbi, HikariCP and Flyway never appear in this package's API.
 */
@NullMarked
package io.inferbroker.store;

import org.jspecify.annotations.NullMarked;
