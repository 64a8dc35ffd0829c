package io.inferbroker.dispatcher;

import io.inferbroker.dispatcher.internal.RoutingGroups;
import io.inferbroker.schemas.Price;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How batches of one model find a worker. Immutable.
 *
 * @param strategy the routing strategy ({@code routing})
 * @param fallback models whose workers take this model's batches, in order, when no worker of the
 *     model itself has headroom ({@code fallback}); a model and its fallbacks share one dispatcher
 *     task, see the README
 * @param estimatePrice the price budgets reserve at admission ({@code price}); null: the cheapest
 *     usable worker's
 */
public record ModelRouting(
        RoutingStrategy strategy,
        List<String> fallback,
        @Nullable Price estimatePrice) {

    public ModelRouting {
        fallback = List.copyOf(fallback);
        for (String model : fallback) {
            if (model.isBlank()) {
                throw new IllegalArgumentException("fallback names a blank model");
            }
        }
    }

    /** {@code least-loaded}, no fallback, worker prices. */
    public static ModelRouting defaults() {
        return new ModelRouting(RoutingStrategy.LEAST_LOADED, List.of(), null);
    }

    /**
     * The routing key of each model: the model, or the first by name of the models its fallback
     * chains join it with. Every writer of a model's requests puts them on the partition of this key
     * ({@link io.inferbroker.schemas.Partitioning}), where the dispatcher task owning the model's
     * queue reads them. Models not in {@code fallbacks} are their own key.
     *
     * @param fallbacks each model's fallback models (as {@link #fallback()})
     */
    public static Map<String, String> routingKeys(Map<String, List<String>> fallbacks) {
        RoutingGroups groups = RoutingGroups.ofFallbacks(fallbacks);
        Map<String, String> keys = new HashMap<>();
        fallbacks.forEach((model, fallback) -> {
            keys.put(model, groups.groupOf(model));
            fallback.forEach(f -> keys.put(f, groups.groupOf(f)));
        });
        return Map.copyOf(keys);
    }

    public static ModelRouting of(RoutingStrategy strategy, String... fallback) {
        return new ModelRouting(strategy, List.of(fallback), null);
    }
}
