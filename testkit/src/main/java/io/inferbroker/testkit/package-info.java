/**
 * Test fixtures shared by every module: {@link io.inferbroker.testkit.InfraExtension} starts one
 * real Kafka broker and one real PostgreSQL per test JVM and gives each test its own topics and
 * schema.
 */
@NullMarked
package io.inferbroker.testkit;

import org.jspecify.annotations.NullMarked;
