/**
 * The dispatcher: a Kafka Streams application that admits accepted jobs (deduplicated; within
 * their tenant's budget), batches them per model (max size, max delay, preferred sizes; priorities
 * with aging; deadlines; cancels), routes each batch to a worker by the model's strategy (cost,
 * least-loaded, latency, weighted; fallback models; a circuit breaker per worker; never beyond a
 * worker's headroom), and dispatches again the jobs of workers that were lost. Front door:
 * {@link io.inferbroker.dispatcher.Dispatcher} (lifecycle), {@link io.inferbroker.dispatcher.DispatcherTopology}
 * (the pure topology builder), {@link io.inferbroker.dispatcher.DispatcherConfig} and the routing
 * policy types.
 *
 * <p>Processing guarantee: at_least_once with idempotent steps, not exactly_once_v2. Exactly once
 * makes outputs visible only when a transaction commits (every 100 ms by default): a Streams hop
 * measured 66.6 ms median and 128 ms p99 that way against 2.0 ms and 16.9 ms at least once, while
 * the synchronous path allows about 5 ms of median overhead. Replays are made harmless instead:
 * job ids are deduplicated, results release workers and settle budgets once, and dispatches lost in
 * a crash are recovered by failover.
 *
 * <p>Budgets: all admissions and settlements of a tenant with a budget run in one task, through a
 * repartition keyed by tenant before the one keyed by model, so concurrent submissions through any
 * number of ingress instances cannot overspend. The extra hop (about 2 ms median) is paid only by
 * tenants that have a budget; all other jobs go straight to their model's queue.
 */
@NullMarked
package io.inferbroker.dispatcher;

import org.jspecify.annotations.NullMarked;
