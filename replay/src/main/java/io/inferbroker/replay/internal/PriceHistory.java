package io.inferbroker.replay.internal;

import io.inferbroker.schemas.Price;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Each worker's price over time, from its status records: one entry per price change, so it stays
 * small however often workers report. Not thread-safe.
 */
public final class PriceHistory {
    private final Map<String, TreeMap<Instant, Price>> byWorker = new HashMap<>();

    /** Records one worker status. */
    public void add(ConsumerRecord<byte[], byte[]> record) {
        Views.WorkerPriceView s = Views.workerPrice(record);
        TreeMap<Instant, Price> history = byWorker.computeIfAbsent(s.workerId(), w -> new TreeMap<>());
        Map.Entry<Instant, Price> before = history.floorEntry(s.at());
        if (before == null || !same(before.getValue(), s.price())) {
            history.put(s.at(), s.price());
        }
    }

    /**
     * The worker's price in force at {@code at}: its last reported before then, or its first when it
     * reported none before; empty for a worker never seen.
     */
    public Optional<Price> at(@Nullable String workerId, Instant at) {
        TreeMap<Instant, Price> history = workerId == null ? null : byWorker.get(workerId);
        if (history == null || history.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Instant, Price> e = history.floorEntry(at);
        return Optional.of(e != null ? e.getValue() : history.firstEntry().getValue());
    }

    private static boolean same(Price a, Price b) {
        return a.inputPerMillion().compareTo(b.inputPerMillion()) == 0
                && a.outputPerMillion().compareTo(b.outputPerMillion()) == 0
                && a.perGpuSecond().compareTo(b.perGpuSecond()) == 0
                && a.currency().equals(b.currency());
    }
}
