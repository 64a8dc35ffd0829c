package io.inferbroker.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * Where the records of each model go, for every writer and reader: the ingress writes a model's
 * requests to the partition of its routing key, the dispatcher's results partitioner and its
 * re-keying of cancels and budget-admitted jobs use the same key, so the dispatcher task that owns a
 * model's queue reads everything about it without a repartition.
 *
 * <p>A model's routing key is the model itself, or, when fallback chains link models (a job of one
 * may run on a worker of another and report its result under that model), the smallest name of the
 * group they form, so one task owns all of them whatever the order the chains are declared in. The
 * partition of a key is Kafka's default partitioner's for a keyed record (murmur2 of the UTF-8 key).
 * Immutable.
 */
public final class Partitioning {
    private static final Partitioning OWN_KEYS = new Partitioning(Map.of());

    /** Model to routing key, for models in a group with others; any other model is its own key. */
    private final Map<String, String> keys;

    private Partitioning(Map<String, String> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Every model its own routing key (no fallback chains). */
    public static Partitioning ownKeys() {
        return OWN_KEYS;
    }

    /**
     * The routing keys of the groups that fallback chains form.
     *
     * @param fallbacks each model's fallback models, in any order; models not named are their own key
     */
    public static Partitioning ofFallbacks(Map<String, ? extends Collection<String>> fallbacks) {
        Map<String, String> parent = new HashMap<>();
        fallbacks.forEach((model, chain) -> {
            parent.putIfAbsent(model, model);
            for (String fallback : chain) {
                parent.putIfAbsent(fallback, fallback);
                String a = root(parent, model);
                String b = root(parent, fallback);
                // The smaller name becomes the root, so the key does not depend on declaration order.
                if (a.compareTo(b) < 0) {
                    parent.put(b, a);
                } else if (b.compareTo(a) < 0) {
                    parent.put(a, b);
                }
            }
        });
        Map<String, String> keys = new HashMap<>();
        parent.keySet().forEach(m -> {
            String key = root(parent, m);
            if (!key.equals(m)) {
                keys.put(m, key);
            }
        });
        return new Partitioning(keys);
    }

    /** The routing key of {@code model}: the model, or the smallest name of its fallback group. */
    public String routingKey(String model) {
        return keys.getOrDefault(model, model);
    }

    /**
     * The partition of a topic of {@code partitions} partitions that records about {@code model} use.
     *
     * @param partitions the topic's partition count, at least 1
     */
    public int partition(String model, int partitions) {
        return of(routingKey(model), partitions);
    }

    /**
     * The partition of a routing key: the one Kafka's default partitioner picks for a record keyed by it.
     *
     * @param routingKey a model's routing key ({@link #routingKey})
     * @param partitions the topic's partition count, at least 1
     * @return the partition, from 0 to {@code partitions - 1}
     */
    public static int of(String routingKey, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, was " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(routingKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private static String root(Map<String, String> parent, String model) {
        String root = model;
        while (!parent.get(root).equals(root)) {
            root = parent.get(root);
        }
        return root;
    }

    @Override
    public String toString() {
        return "Partitioning" + keys;
    }
}
