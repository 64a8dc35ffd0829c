/**
 * Infrastructure the broker can run on by itself: an in-process single-node KRaft Kafka broker, an
 * embedded PostgreSQL, and topic provisioning from the catalogue (for embedded and external Kafka
 * alike). Used by {@code broker serve} and by the test kit.
 */
@NullMarked
package io.inferbroker.embedded;

import org.jspecify.annotations.NullMarked;
