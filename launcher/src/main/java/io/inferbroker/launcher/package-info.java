/**
 * The {@code broker} command: configuration, the wiring of every role, and embedded Kafka and
 * PostgreSQL for {@code broker serve}. The only module that knows all others.
 */
@NullMarked
package io.inferbroker.launcher;

import org.jspecify.annotations.NullMarked;
