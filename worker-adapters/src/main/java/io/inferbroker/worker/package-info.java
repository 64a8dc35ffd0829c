/**
 * The worker runtime: {@link io.inferbroker.worker.Worker} consumes its own batches from the dispatch
 * topic, runs them through a {@link io.inferbroker.worker.ModelAdapter} and publishes lifecycle
 * events, tokens, results and its own status. Adapters for each model-server protocol live in
 * sub-packages ({@code sim}, later {@code openai} and {@code kserve}).
 */
@NullMarked
package io.inferbroker.worker;

import org.jspecify.annotations.NullMarked;
