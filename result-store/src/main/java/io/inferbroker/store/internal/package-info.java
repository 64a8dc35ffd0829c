/**
 * Implementation of the result store: SQL, row mapping, record decoding and the sink's poll loop.
 * Not API: other modules use only {@code io.inferbroker.store}.
 */
@NullMarked
package io.inferbroker.store.internal;

import org.jspecify.annotations.NullMarked;
