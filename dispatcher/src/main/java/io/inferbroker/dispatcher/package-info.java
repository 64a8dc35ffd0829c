/**
 * The dispatcher: a Kafka Streams application that admits accepted jobs, batches them per model and
 * routes each batch to a worker with headroom. Front door: {@link io.inferbroker.dispatcher.Dispatcher}
 * (lifecycle), {@link io.inferbroker.dispatcher.DispatcherTopology} (the pure topology builder),
 * {@link io.inferbroker.dispatcher.DispatcherConfig} and the routing policy types.
 */
@NullMarked
package io.inferbroker.dispatcher;

import org.jspecify.annotations.NullMarked;
