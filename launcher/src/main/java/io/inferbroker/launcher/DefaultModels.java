package io.inferbroker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.JobKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What a broker serves when its config file names no models: a simulated chat model on a
 * simulated worker, so a new user has something to call. Also the per-item defaults of the
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
            0));

    static final List<WorkerSpec> WORKERS = List.of(new WorkerSpec(
            "sim-1",
            "sim",
            List.of("sim-echo"),
            32,
            "llama-1.1b",
            1.0,
            new BigDecimal("0.10"),
            new BigDecimal("0.40"),
            BigDecimal.ZERO,
            "USD"));

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
            return Map.of("currency", f.textNode("USD"));
        }
        return Map.of(
                "adapter", f.textNode("sim"),
                "capacity", f.numberNode(32),
                "profile", f.textNode("llama-1.1b"),
                "time_scale", f.numberNode(1.0),
                "input_per_million", f.numberNode(BigDecimal.ZERO),
                "output_per_million", f.numberNode(BigDecimal.ZERO),
                "per_gpu_second", f.numberNode(BigDecimal.ZERO),
                "currency", f.textNode("USD"));
    }
}
