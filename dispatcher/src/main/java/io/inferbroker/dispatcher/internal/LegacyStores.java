package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The four stores of the earlier layout ({@code dispatcher-jobs}, {@code dispatcher-queue}, {@code
 * dispatcher-in-flight}, {@code dispatcher-retire}), kept only to carry a dispatcher that ran that
 * layout over without draining it: a task restores them from their changelogs, moves every job it
 * finds into the active and done stores when it opens, and deletes what it moved. Queued jobs stay
 * queued in the order they had, jobs in flight stay in flight on their worker, finished and
 * canceled ids keep being remembered until their retention ends. After one run of every task the
 * four changelogs hold only tombstones.
 *
 * <p>The stores are declared only when their changelog topics exist ({@link #changelogs}), so a
 * new deployment never creates them.
 */
public final class LegacyStores {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyStores.class);

    static final String JOBS = "dispatcher-jobs";
    static final String QUEUE = "dispatcher-queue";
    static final String IN_FLIGHT = "dispatcher-in-flight";
    static final String RETIRE = "dispatcher-retire";
    static final List<String> NAMES = List.of(JOBS, QUEUE, IN_FLIGHT, RETIRE);

    private static final Serde<Entry> ENTRY = JsonSerde.of(Entry.class);
    private static final Serde<QueuedJob> QUEUED = JsonSerde.of(QueuedJob.class);
    private static final Serde<InFlight> IN_FLIGHT_SERDE = JsonSerde.of(InFlight.class);

    /** A job of the earlier jobs store, as it was written. */
    record Entry(
            String model,
            String tenantId,
            String state,
            @Nullable String queueKey,
            @Nullable String workerId,
            @Nullable Instant retireAt,
            int attempt) {}

    private final Map<String, KeyValueStore<String, byte[]>> stores;

    private LegacyStores(Map<String, KeyValueStore<String, byte[]>> stores) {
        this.stores = stores;
    }

    /** The changelog topics of the earlier stores of application {@code applicationId}. */
    public static Set<String> changelogs(String applicationId) {
        return NAMES.stream().map(n -> applicationId + "-" + n + "-changelog").collect(Collectors.toUnmodifiableSet());
    }

    /** The earlier stores, persistent and changelogged under their old names; values kept as bytes. */
    static List<StoreBuilder<?>> builders() {
        List<StoreBuilder<?>> builders = new ArrayList<>();
        for (String name : NAMES) {
            builders.add(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray()));
        }
        return builders;
    }

    /** The earlier stores of the task of {@code ctx}. */
    static LegacyStores of(ProcessorContext<?, ?> ctx) {
        Map<String, KeyValueStore<String, byte[]>> stores = new HashMap<>();
        for (String name : NAMES) {
            stores.put(name, ctx.getStateStore(name));
        }
        return new LegacyStores(stores);
    }

    /**
     * Moves every job of the earlier stores into {@code active} and {@code done}, then deletes it
     * from the earlier stores. A finished or canceled id is remembered from the time it was (its
     * retirement less the {@code retention}). A job with a queue or in-flight record is carried over
     * live, also when its entry says finished (a deletion lost with a stop): the reconciliation of
     * the active store against the done store then settles it as for the current layout.
     *
     * @return the number of jobs moved
     */
    int moveInto(KeyValueStore<String, ActiveJob> active, DoneJobs done, Duration retention, Instant now) {
        Map<String, ActiveJob> live = new HashMap<>();
        // Jobs in flight first: their worker is in the key, as in StoreKeys' earlier outstanding keys.
        for (KeyValue<String, byte[]> kv : all(IN_FLIGHT)) {
            InFlight f = IN_FLIGHT_SERDE.deserializer().deserialize(IN_FLIGHT, kv.value);
            if (f != null) {
                live.put(
                        f.queued().job().jobId(),
                        ActiveJob.sent(
                                f.queued(), workerOf(kv.key), f.dispatchedAt(), f.attempt(), f.workerInstance()));
            }
        }
        for (KeyValue<String, byte[]> kv : all(QUEUE)) {
            QueuedJob q = QUEUED.deserializer().deserialize(QUEUE, kv.value);
            if (q != null) {
                live.putIfAbsent(q.job().jobId(), ActiveJob.waiting(q));
            }
        }
        int moved = 0;
        for (KeyValue<String, byte[]> kv : all(JOBS)) {
            Entry e = ENTRY.deserializer().deserialize(JOBS, kv.value);
            if (e == null) {
                continue;
            }
            Instant at = e.retireAt() == null ? now : e.retireAt().minus(retention);
            switch (e.state()) {
                case "FINISHED" -> done.remember(kv.key, DoneMark.finished(e.tenantId(), at));
                case "CANCEL_REQUESTED" -> done.remember(kv.key, DoneMark.cancelRequested(e.tenantId(), at));
                default -> {
                    if (!live.containsKey(kv.key)) {
                        // Queued or dispatched, its queue or in-flight record lost with a stop: the
                        // request went with it, nothing is left to run (the earlier layout dropped it too).
                        LOG.warn("job {} of the earlier dispatcher stores had no request left", kv.key);
                    }
                    continue;
                }
            }
            moved++;
        }
        for (Map.Entry<String, ActiveJob> job : live.entrySet()) {
            active.put(job.getKey(), job.getValue());
            moved++;
        }
        for (String name : NAMES) {
            for (KeyValue<String, byte[]> kv : all(name)) {
                stores.get(name).delete(kv.key);
            }
        }
        return moved;
    }

    private List<KeyValue<String, byte[]>> all(String name) {
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = stores.get(name).all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    /** The worker id of an earlier in-flight key: {@code <length>:<worker id>\0<job id>}. */
    static String workerOf(String key) {
        int colon = key.indexOf(':');
        int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }
}
