/**
 * The public HTTP API of the broker (Javalin): job submission and polling, the model list, health
 * and Prometheus metrics. {@link io.inferbroker.ingress.IngressServer} is the front door; the rest
 * lives in {@code internal}.
 */
@NullMarked
package io.inferbroker.ingress;

import org.jspecify.annotations.NullMarked;
