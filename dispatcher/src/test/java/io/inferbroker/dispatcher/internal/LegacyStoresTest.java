package io.inferbroker.dispatcher.internal;

import static io.inferbroker.dispatcher.Fixtures.TENANT;
import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.LeastLoadedPolicy;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WorkerState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dispatcher upgraded from the four-store layout without draining: the jobs its earlier stores
 * hold (as that layout wrote them) are carried over when each task opens, and nothing is lost.
 */
class LegacyStoresTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama";

    private final DispatcherConfig config = DispatcherConfig.defaults("legacy-test", TopicNames.unprefixed())
            .withModel(MODEL, new ModelBatching(1, Duration.ofMillis(1)))
            .withWorkerLease(Duration.ofSeconds(10));
    private final TaskStores stores = TaskStores.create(config.dedupeRetention());
    private final Map<String, KeyValueStore<String, byte[]>> legacy = new HashMap<>();
    private MockProcessorContext<String, Outbound> context;
    private Processor<String, Envelope, String, Outbound> processor;

    @BeforeEach
    void writeTheEarlierLayout() {
        for (String name : LegacyStores.NAMES) {
            KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
                            Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                    .withLoggingDisabled()
                    .build();
            store.init(new MockProcessorContext<>().getStateStoreContext(), store);
            legacy.put(name, store);
        }
        Instant retire = T0.plus(config.dedupeRetention()).minusSeconds(60);
        // j1 waits in the queue; j2 is in flight on w1; j3 finished; a cancel came for j4 before it.
        JobRequested j1 = job("j1", MODEL, 5, T0.minusSeconds(2), null);
        JobRequested j2 = job("j2", MODEL, 5, T0.minusSeconds(3), null);
        put(LegacyStores.JOBS, "j1", entry("QUEUED", "\"q1\"", null, null, 0));
        put(LegacyStores.QUEUE, "q1", JsonBytes.of(new QueuedJob(j1, T0.minusSeconds(2), 0)));
        put(LegacyStores.JOBS, "j2", entry("DISPATCHED", null, "\"w1\"", null, 1));
        put(
                LegacyStores.IN_FLIGHT,
                "2:w1\u0000j2",
                JsonBytes.of(new InFlight(new QueuedJob(j2, T0.minusSeconds(3), 0), T0.minusSeconds(1), 1, null)));
        put(LegacyStores.JOBS, "j3", entry("FINISHED", null, "\"w1\"", retire, 1));
        put(LegacyStores.RETIRE, "retire-j3", "j3".getBytes(StandardCharsets.UTF_8));
        put(LegacyStores.JOBS, "j4", entry("CANCEL_REQUESTED", null, null, retire, 0));
    }

    @Test
    void shouldCarryQueuedAndInFlightJobsOverAndKeepRememberingFinishedOnes() {
        start(true);
        stores.workers().put("w1", worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        tick(T0.plusMillis(10));

        assertThat(dispatched())
                .as("j1 was queued and runs now; j2 is still in flight on w1 and is not sent again")
                .extracting(DispatchedJob::jobId)
                .containsExactly("j1");
        readResult(new Envelope.Finish("j2", MODEL, TENANT, JobStatus.SUCCEEDED, "w1", null));
        admit(job("j3", MODEL, 5, T0.minusSeconds(9), null)); // a duplicate of a finished job's request
        admit(job("j4", MODEL, 5, T0.minusSeconds(1), null)); // the job its early cancel was for
        tick(T0.plusMillis(20));

        assertThat(dispatched()).extracting(DispatchedJob::jobId).containsExactly("j1");
        assertThat(events()).as("j4 ends canceled as asked").contains(LifecycleType.CANCELED);
        assertThat(stores.activeRecords())
                .as("j2 finished by its result; j1 in flight")
                .extracting(kv -> kv.key)
                .containsExactly("j1");
        for (String name : LegacyStores.NAMES) {
            try (var all = legacy.get(name).all()) {
                assertThat(all.hasNext()).as("%s emptied", name).isFalse();
            }
        }
    }

    @Test
    void shouldLoseTheEarlierJobsWithoutTheCarryOver() {
        start(false);
        stores.workers().put("w1", worker("w1", 4, 0, WorkerState.ACTIVE, true, T0, MODEL));
        tick(T0.plusMillis(10));

        assertThat(dispatched()).as("what the carry-over prevents").isEmpty();
    }

    private void start(boolean carryOver) {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0.toEpochMilli());
        stores.addTo(context);
        if (carryOver) {
            legacy.values().forEach(context::addStateStore);
        }
        processor = new DispatchProcessorSupplier(
                        config,
                        new LeastLoadedPolicy(),
                        DispatcherMetrics.noop(),
                        FleetVersion.UNTRACKED,
                        ResultsHorizon.NONE,
                        new PollPacer(Duration.ZERO),
                        carryOver)
                .get();
        processor.init(context);
    }

    private void put(String store, String key, byte[] value) {
        legacy.get(store).put(key, value);
    }

    /** A jobs-store entry as the earlier layout wrote it (snake_case JSON of its JobEntry). */
    private static byte[] entry(String state, String queueKey, String worker, Instant retireAt, int attempt) {
        return ("{\"model\":\"" + MODEL + "\",\"tenant_id\":\"" + TENANT + "\",\"state\":\"" + state
                        + "\",\"queue_key\":" + queueKey + ",\"worker_id\":" + worker + ",\"retire_at\":"
                        + (retireAt == null ? "null" : "\"" + retireAt + "\"") + ",\"attempt\":" + attempt + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void admit(JobRequested job) {
        processor.process(new Record<>(MODEL, new Envelope.Admit(job), context.currentSystemTimeMs()));
    }

    private void readResult(Envelope envelope) {
        context.setRecordMetadata(config.topics().results(), 0, 0);
        processor.process(new Record<>(MODEL, envelope, context.currentSystemTimeMs()));
        context.setRecordMetadata(config.topics().requests(), 0, 0);
    }

    private void tick(Instant now) {
        TaskOutputs.tick(context, now);
    }

    private List<LifecycleType> events() {
        return TaskOutputs.events(context);
    }

    private List<DispatchedJob> dispatched() {
        return TaskOutputs.dispatched(context);
    }

    /** Values as the earlier layout's JSON serde wrote them. */
    private static final class JsonBytes {
        static byte[] of(Object value) {
            @SuppressWarnings("unchecked")
            var serde = io.inferbroker.schemas.JsonSerde.of((Class<Object>) value.getClass());
            return serde.serialize("t", value);
        }
    }
}
