package io.inferbroker.dispatcher;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** The routing strategies a model can be configured with, by their config names. */
public enum RoutingStrategy {
    /** {@link CostPolicy}. */
    COST("cost", CostPolicy::new),
    /** {@link LeastLoadedPolicy}. */
    LEAST_LOADED("least-loaded", LeastLoadedPolicy::new),
    /** {@link LatencyPolicy}. */
    LATENCY("latency", LatencyPolicy::new),
    /** {@link WeightedPolicy}. */
    WEIGHTED("weighted", WeightedPolicy::new);

    private final String configName;
    private final Supplier<RoutingPolicy> factory;

    RoutingStrategy(String configName, Supplier<RoutingPolicy> factory) {
        this.configName = configName;
        this.factory = factory;
    }

    /** The name used in configuration and in metric tags. */
    public String configName() {
        return configName;
    }

    /** A new policy of this strategy. */
    public RoutingPolicy newPolicy() {
        return factory.get();
    }

    /**
     * The strategy named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known strategies when none matches
     */
    public static RoutingStrategy fromName(String name) {
        for (RoutingStrategy s : values()) {
            if (s.configName.equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("routing strategy must be one of "
                + Arrays.stream(values()).map(RoutingStrategy::configName).toList() + ", was '"
                + name.toLowerCase(Locale.ROOT) + "'");
    }
}
