/**
 * The worker runtime: {@link io.inferbroker.worker.Worker} consumes its own batches from the dispatch
 * topic, runs them through a {@link io.inferbroker.worker.ModelAdapter} and publishes lifecycle
 * events, tokens, results and its own status. Adapters for each model-server protocol live in
 * sub-packages: {@code sim} (the simulator), {@code openai} (OpenAI-compatible servers) and {@code
 * kserve} (Open Inference Protocol v2); {@code http} holds the settings the HTTP adapters share.
 */
@NullMarked
package io.inferbroker.worker;

import org.jspecify.annotations.NullMarked;
