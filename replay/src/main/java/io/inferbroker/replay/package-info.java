/**
 * Replay of the broker's topics over a time range, for audit and cost analysis. {@link
 * io.inferbroker.replay.Replay} is the entry point: it reads with its own partition assignment and
 * commits nothing, so live consumers are never disturbed. Everything under {@code
 * io.inferbroker.replay.internal} is an implementation detail.
 */
@NullMarked
package io.inferbroker.replay;

import org.jspecify.annotations.NullMarked;
