package io.inferbroker.launcher;

import io.inferbroker.dispatcher.RoutingStrategy;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.Price;
import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A model the broker serves, from the {@code models} list of the config file.
 *
 * @param maxBatchSize most jobs the dispatcher puts in one batch for this model
 * @param maxQueueDelayMs longest a queued job waits for its batch to fill
 * @param maxQueued queue depth at which the ingress sheds submits for this model with 503; 0 = unlimited
 * @param routing the dispatcher's routing strategy: {@code cost}, {@code least-loaded}, {@code latency}
 *     or {@code weighted}
 * @param fallback models (of this list) whose workers take this model's batches when its own are full
 * @param preferredBatchSizes batch sizes the model runs best at; empty for none
 * @param estimatePrice the price budgets reserve a job of this model at; null: the cheapest usable worker's
 */
public record ModelSpec(
        String id,
        JobKind kind,
        String description,
        int maxBatchSize,
        long maxQueueDelayMs,
        int maxQueued,
        String routing,
        List<String> fallback,
        List<Integer> preferredBatchSizes,
        @Nullable EstimatePrice estimatePrice) {

    /** A price per million input and output tokens, for budget estimates ({@code models[i].estimate_price}). */
    public record EstimatePrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, String currency) {
        Price toPrice() {
            return new Price(inputPerMillion, outputPerMillion, BigDecimal.ZERO, currency);
        }
    }

    public ModelSpec {
        fallback = fallback == null ? List.of() : List.copyOf(fallback);
        preferredBatchSizes = preferredBatchSizes == null ? List.of() : List.copyOf(preferredBatchSizes);
        routing = routing == null ? "least-loaded" : routing;
    }

    /** A model routed least-loaded, without fallback or preferred batch sizes. */
    public ModelSpec(
            String id, JobKind kind, String description, int maxBatchSize, long maxQueueDelayMs, int maxQueued) {
        this(
                id,
                kind,
                description,
                maxBatchSize,
                maxQueueDelayMs,
                maxQueued,
                "least-loaded",
                List.of(),
                List.of(),
                null);
    }

    static ModelSpec validated(ModelSpec m, int index) {
        String at = "models[" + index + "]";
        if (m.id() == null || m.id().isBlank()) {
            throw new ConfigException(at + ".id is required");
        }
        if (m.maxBatchSize() < 1) {
            throw new ConfigException(at + ".max_batch_size must be >= 1, was " + m.maxBatchSize());
        }
        if (m.maxQueueDelayMs() < 0) {
            throw new ConfigException(at + ".max_queue_delay_ms must be >= 0, was " + m.maxQueueDelayMs());
        }
        if (m.maxQueued() < 0) {
            throw new ConfigException(at + ".max_queued must be >= 0 (0 = unlimited), was " + m.maxQueued());
        }
        try {
            RoutingStrategy.fromName(m.routing());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ".routing: " + e.getMessage(), e);
        }
        for (int size : m.preferredBatchSizes()) {
            if (size < 1 || size > m.maxBatchSize()) {
                throw new ConfigException(at + ".preferred_batch_sizes must lie between 1 and max_batch_size "
                        + m.maxBatchSize() + ", was " + m.preferredBatchSizes());
            }
        }
        EstimatePrice p = m.estimatePrice();
        if (p != null) {
            if (p.inputPerMillion() == null
                    || p.inputPerMillion().signum() < 0
                    || p.outputPerMillion() == null
                    || p.outputPerMillion().signum() < 0) {
                throw new ConfigException(at + ".estimate_price needs input_per_million and output_per_million >= 0");
            }
            if (p.currency() == null || !p.currency().matches("[A-Z]{3}")) {
                throw new ConfigException(
                        at + ".estimate_price.currency must be an ISO 4217 code such as USD, was " + p.currency());
            }
        }
        return m;
    }

    /** Checks what needs the whole list: fallbacks name other configured models. */
    static void validateFallbacks(List<ModelSpec> models) {
        List<String> ids = models.stream().map(ModelSpec::id).toList();
        for (int i = 0; i < models.size(); i++) {
            for (String f : models.get(i).fallback()) {
                if (!ids.contains(f) || f.equals(models.get(i).id())) {
                    throw new ConfigException("models[" + i + "].fallback names '" + f
                            + "', which is not another model in models: " + ids);
                }
            }
        }
    }
}
