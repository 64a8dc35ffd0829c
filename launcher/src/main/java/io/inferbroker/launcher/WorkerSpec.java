package io.inferbroker.launcher;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A worker this process hosts, from the {@code workers} list of the config file. Its {@code
 * adapter} says what serves the jobs: {@code sim} (the simulator), {@code openai} (an
 * OpenAI-compatible server such as vLLM, TGI, SGLang, llama.cpp, Ollama or OpenAI) or {@code
 * kserve} (an Open Inference Protocol v2 server such as Triton or KServe). Printing it never shows
 * the API key.
 *
 * @param profile the simulator's latency profile (a model of the H100 batch curve)
 * @param timeScale simulated time relative to the measured GPU (1.0 = as measured; 0.1 = ten times faster)
 * @param baseUrl the model server's URL ({@code openai}: ending in {@code /v1}; {@code kserve}: its root)
 * @param apiKey the model server's API key; empty for none
 * @param apiKeyEnv the name of an environment variable holding the API key, instead of {@code api_key}
 * @param modelMap the model name the server knows, by the broker's model name, where they differ
 * @param streaming {@code openai} only: stream tokens (false: one answer per call)
 * @param shutdownGraceMs how long a stopping worker lets running jobs finish before it hands them back
 * @param modelPrices prices of models this worker charges differently, by model
 */
public record WorkerSpec(
        String id,
        String adapter,
        List<String> models,
        int capacity,
        String profile,
        double timeScale,
        BigDecimal inputPerMillion,
        BigDecimal outputPerMillion,
        BigDecimal perGpuSecond,
        String currency,
        String baseUrl,
        String apiKey,
        String apiKeyEnv,
        Map<String, String> modelMap,
        long connectTimeoutMs,
        long firstTokenTimeoutMs,
        long idleTimeoutMs,
        long requestTimeoutMs,
        int maxAttempts,
        boolean streaming,
        long shutdownGraceMs,
        Map<String, ModelPrice> modelPrices) {

    static final Set<String> ADAPTERS = Set.of("sim", "openai", "kserve");

    public WorkerSpec {
        models = models == null ? List.of() : List.copyOf(models);
        modelMap = modelMap == null ? Map.of() : Map.copyOf(modelMap);
        modelPrices = modelPrices == null ? Map.of() : Map.copyOf(modelPrices);
    }

    /**
     * What one model costs on this worker when it differs from the worker's prices, in the worker's
     * currency; a missing part is zero.
     */
    public record ModelPrice(
            @Nullable BigDecimal inputPerMillion,
            @Nullable BigDecimal outputPerMillion,
            @Nullable BigDecimal perGpuSecond) {

        io.inferbroker.schemas.Price in(String currency) {
            return new io.inferbroker.schemas.Price(
                    orZero(inputPerMillion), orZero(outputPerMillion), orZero(perGpuSecond), currency);
        }

        private static BigDecimal orZero(@Nullable BigDecimal value) {
            return value == null ? BigDecimal.ZERO : value;
        }
    }

    /** A simulated worker with the default timeouts. */
    static WorkerSpec simulated(String id, List<String> models, int capacity, String profile, Price price) {
        return new WorkerSpec(
                id,
                "sim",
                models,
                capacity,
                profile,
                1.0,
                price.in(),
                price.out(),
                BigDecimal.ZERO,
                "USD",
                "",
                "",
                "",
                Map.of(),
                5_000,
                60_000,
                30_000,
                600_000,
                3,
                true,
                30_000,
                Map.of());
    }

    /** Per-million token prices of a simulated worker. */
    record Price(BigDecimal in, BigDecimal out) {}

    /** The same worker with its API key taken from {@code environment} when {@code api_key_env} names one. */
    WorkerSpec withKeyFrom(Map<String, String> environment, int index) {
        if (apiKeyEnv == null || apiKeyEnv.isBlank()) {
            return this;
        }
        String key = environment.get(apiKeyEnv);
        if (key == null || key.isBlank()) {
            throw new ConfigException(
                    "workers[" + index + "].api_key_env names " + apiKeyEnv + ", which is not set in the environment");
        }
        return new WorkerSpec(
                id,
                adapter,
                models,
                capacity,
                profile,
                timeScale,
                inputPerMillion,
                outputPerMillion,
                perGpuSecond,
                currency,
                baseUrl,
                key,
                apiKeyEnv,
                modelMap,
                connectTimeoutMs,
                firstTokenTimeoutMs,
                idleTimeoutMs,
                requestTimeoutMs,
                maxAttempts,
                streaming,
                shutdownGraceMs,
                modelPrices);
    }

    static WorkerSpec validated(WorkerSpec w, int index, List<String> modelIds) {
        String at = "workers[" + index + "]";
        if (w.id() == null || w.id().isBlank()) {
            throw new ConfigException(at + ".id is required");
        }
        if (!ADAPTERS.contains(w.adapter())) {
            throw new ConfigException(
                    at + ".adapter must be one of 'sim', 'openai', 'kserve', was '" + w.adapter() + "'");
        }
        if (w.models().isEmpty()) {
            throw new ConfigException(at + ".models must list at least one model");
        }
        for (String m : w.models()) {
            if (!modelIds.contains(m)) {
                throw new ConfigException(at + ".models names '" + m + "', which is not in models: " + modelIds);
            }
        }
        for (String m : w.modelMap().keySet()) {
            if (!w.models().contains(m)) {
                throw new ConfigException(
                        at + ".model_map names '" + m + "', which is not in its models: " + w.models());
            }
        }
        for (var e : w.modelPrices().entrySet()) {
            if (!w.models().contains(e.getKey())) {
                throw new ConfigException(
                        at + ".model_prices names '" + e.getKey() + "', which is not in its models: " + w.models());
            }
            var p = e.getValue().in(w.currency());
            if (p.inputPerMillion().signum() < 0
                    || p.outputPerMillion().signum() < 0
                    || p.perGpuSecond().signum() < 0) {
                throw new ConfigException(at + ".model_prices." + e.getKey() + " prices must be >= 0");
            }
        }
        if (w.capacity() < 1) {
            throw new ConfigException(at + ".capacity must be >= 1, was " + w.capacity());
        }
        if (!(w.timeScale() > 0)) {
            throw new ConfigException(at + ".time_scale must be > 0, was " + w.timeScale());
        }
        if (!w.adapter().equals("sim") && (w.baseUrl() == null || w.baseUrl().isBlank())) {
            throw new ConfigException(at + ".base_url is required for adapter '" + w.adapter() + "'");
        }
        positive(at + ".connect_timeout_ms", w.connectTimeoutMs());
        positive(at + ".first_token_timeout_ms", w.firstTokenTimeoutMs());
        positive(at + ".idle_timeout_ms", w.idleTimeoutMs());
        positive(at + ".request_timeout_ms", w.requestTimeoutMs());
        positive(at + ".max_attempts", w.maxAttempts());
        if (w.shutdownGraceMs() < 0) {
            throw new ConfigException(at + ".shutdown_grace_ms must be >= 0, was " + w.shutdownGraceMs());
        }
        for (BigDecimal price : List.of(w.inputPerMillion(), w.outputPerMillion(), w.perGpuSecond())) {
            if (price.signum() < 0) {
                throw new ConfigException(at + " prices (input_per_million, output_per_million, per_gpu_second)"
                        + " must be >= 0, was " + price);
            }
        }
        return w;
    }

    private static void positive(String key, long value) {
        if (value < 1) {
            throw new ConfigException(key + " must be >= 1, was " + value);
        }
    }

    @Override
    public String toString() {
        return "WorkerSpec[id=" + id + ", adapter=" + adapter + ", models=" + models + ", capacity=" + capacity
                + ", base_url=" + baseUrl + ", api_key=" + (apiKey == null || apiKey.isEmpty() ? "" : "****")
                + ", model_map=" + modelMap + "]";
    }
}
