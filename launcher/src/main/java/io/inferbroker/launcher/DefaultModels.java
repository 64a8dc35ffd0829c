package io.inferbroker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.JobKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What a broker serves when its config file names no models: a simulated chat model, routed by
 * cost, on two simulated workers of different speed and price, so a new user has something to call
 * and sees routing at work. Also the per-item defaults of the
 * {@code models} and {@code workers} lists.
 */
final class DefaultModels {
    private DefaultModels() {}

    static final List<ModelSpec> MODELS = List.of(new ModelSpec(
            "sim-echo",
            JobKind.CHAT,
            "Simulator: echoes the prompt with the timing of a 1.1B model on an H100 (no real model)",
            16,
            20,
            0,
            "cost",
            List.of(),
            List.of(),
            null));

    /**
     * Two simulated GPUs serve the default model at different speed and price, so routing by cost
     * (and by load or latency) shows from the first run: {@code sim-1} is cheap and slower (the
     * timing of a 1.1B model), {@code sim-2} three times the price and faster (a 160M model).
     */
    static final List<WorkerSpec> WORKERS = List.of(
            WorkerSpec.simulated(
                    "sim-1",
                    List.of("sim-echo"),
                    32,
                    "llama-1.1b",
                    new WorkerSpec.Price(new BigDecimal("0.10"), new BigDecimal("0.40"))),
            WorkerSpec.simulated(
                    "sim-2",
                    List.of("sim-echo"),
                    32,
                    "llama-160m",
                    new WorkerSpec.Price(new BigDecimal("0.30"), new BigDecimal("1.20"))));

    static Map<String, JsonNode> defaultsFor(Class<?> type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (type == ModelSpec.class) {
            return Map.of(
                    "kind", f.textNode("chat"),
                    "description", f.textNode(""),
                    "max_batch_size", f.numberNode(16),
                    "max_queue_delay_ms", f.numberNode(20),
                    "max_queued", f.numberNode(0),
                    "routing", f.textNode("least-loaded"),
                    "fallback", f.arrayNode(),
                    "preferred_batch_sizes", f.arrayNode());
        }
        if (type == BudgetSpec.class) {
            return Map.of("currency", f.textNode("USD"), "period", f.textNode("total"));
        }
        return Map.ofEntries(
                Map.entry("adapter", f.textNode("sim")),
                Map.entry("capacity", f.numberNode(32)),
                Map.entry("profile", f.textNode("llama-1.1b")),
                Map.entry("time_scale", f.numberNode(1.0)),
                Map.entry("input_per_million", f.numberNode(BigDecimal.ZERO)),
                Map.entry("output_per_million", f.numberNode(BigDecimal.ZERO)),
                Map.entry("per_gpu_second", f.numberNode(BigDecimal.ZERO)),
                Map.entry("currency", f.textNode("USD")),
                Map.entry("base_url", f.textNode("")),
                Map.entry("api_key", f.textNode("")),
                Map.entry("api_key_env", f.textNode("")),
                Map.entry("model_map", f.objectNode()),
                Map.entry("connect_timeout_ms", f.numberNode(5_000L)),
                Map.entry("first_token_timeout_ms", f.numberNode(60_000L)),
                Map.entry("idle_timeout_ms", f.numberNode(30_000L)),
                Map.entry("request_timeout_ms", f.numberNode(600_000L)),
                Map.entry("max_attempts", f.numberNode(3)),
                Map.entry("streaming", f.booleanNode(true)),
                Map.entry("shutdown_grace_ms", f.numberNode(30_000L)),
                Map.entry("model_prices", f.objectNode()));
    }
}
