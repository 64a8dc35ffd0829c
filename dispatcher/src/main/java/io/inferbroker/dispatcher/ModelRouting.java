package io.inferbroker.dispatcher;

import io.inferbroker.schemas.Price;
import java.util.List;
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

    public static ModelRouting of(RoutingStrategy strategy, String... fallback) {
        return new ModelRouting(strategy, List.of(fallback), null);
    }
}
