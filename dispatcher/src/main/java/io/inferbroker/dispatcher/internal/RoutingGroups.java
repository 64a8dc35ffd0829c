package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The repartition key of each model: a model and every model of its fallback chains form one group,
 * keyed by the group's smallest model name, so one task owns all of them. A job dispatched to a
 * fallback model's worker reports its result under that model; the result must reach the task that
 * counts the job as outstanding. Models without fallback are their own group. Immutable.
 */
public final class RoutingGroups {
    private final Map<String, String> groupOf;

    private RoutingGroups(Map<String, String> groupOf) {
        this.groupOf = Map.copyOf(groupOf);
    }

    /** The groups of the fallback chains in {@code config}. */
    public static RoutingGroups of(DispatcherConfig config) {
        Map<String, List<String>> fallbacks = new HashMap<>();
        config.routing().forEach((model, routing) -> fallbacks.put(model, routing.fallback()));
        return ofFallbacks(fallbacks);
    }

    /** The groups of the fallback chains {@code fallbacks} (model to its fallback models). */
    public static RoutingGroups ofFallbacks(Map<String, List<String>> fallbacks) {
        Map<String, String> parent = new HashMap<>();
        fallbacks.forEach((model, fallback) -> union(parent, model, fallback));
        Map<String, String> group = new HashMap<>();
        parent.keySet().forEach(m -> group.put(m, find(parent, m)));
        return new RoutingGroups(group);
    }

    /** The repartition key of {@code model}. */
    public String groupOf(String model) {
        return groupOf.getOrDefault(model, model);
    }

    private static void union(Map<String, String> parent, String model, List<String> fallbacks) {
        parent.putIfAbsent(model, model);
        for (String fallback : fallbacks) {
            parent.putIfAbsent(fallback, fallback);
            String a = find(parent, model);
            String b = find(parent, fallback);
            if (!a.equals(b)) {
                // The smaller name becomes the root, so the key does not depend on declaration order.
                if (a.compareTo(b) < 0) {
                    parent.put(b, a);
                } else {
                    parent.put(a, b);
                }
            }
        }
    }

    private static String find(Map<String, String> parent, String model) {
        String root = model;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        return root;
    }
}
