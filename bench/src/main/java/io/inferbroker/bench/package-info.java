/** Benchmarks and load generators. Results go to BENCHMARKS.md; nothing depends on this module. */
@NullMarked
package io.inferbroker.bench;

import org.jspecify.annotations.NullMarked;
