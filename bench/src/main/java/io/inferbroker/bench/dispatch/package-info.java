/** The dispatcher's batching and routing benchmark: the real topology on a simulated clock and fleet. */
@NullMarked
package io.inferbroker.bench.dispatch;

import org.jspecify.annotations.NullMarked;
