/**
 * The wire contract of the broker: one record per topic value, the topic catalogue and the Kafka
 * serdes. Every value carries a {@code schema_version}; JSON Schemas (draft 2020-12) for each value
 * live under {@code /schemas/*.schema.json} on the classpath, located by {@link
 * io.inferbroker.schemas.Topic#schemaResource()}. Changes are additive: readers ignore unknown fields.
 */
@NullMarked
package io.inferbroker.schemas;

import org.jspecify.annotations.NullMarked;
