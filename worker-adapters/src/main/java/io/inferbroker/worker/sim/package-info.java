/**
 * A simulated model server: {@link io.inferbroker.worker.sim.SimulatedModelAdapter} echoes its input
 * with the timing of a real GPU, modelled by {@link io.inferbroker.worker.sim.LatencyModel} from
 * measured H100 data. No model runs; it exists so that the broker can be tried, tested and
 * benchmarked without GPUs.
 */
@NullMarked
package io.inferbroker.worker.sim;

import org.jspecify.annotations.NullMarked;
