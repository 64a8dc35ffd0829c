package io.inferbroker.dispatcher.internal;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.succeeded;
import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.LeastLoadedPolicy;
import io.inferbroker.dispatcher.ModelBatching;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * A task that moves or restarts gets its stores back from the changelog but a new processor: the
 * in-memory queue index and outstanding counts must be rebuilt from the stores.
 */
class DispatchProcessorRestartTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama";

    private final DispatcherConfig config = DispatcherConfig.defaults("restart-test", TopicNames.unprefixed())
            .withModel(MODEL, new ModelBatching(8, Duration.ofMillis(20)));
    private final DispatchProcessorSupplier supplier = new DispatchProcessorSupplier(
            config, new LeastLoadedPolicy(), DispatcherMetrics.noop(), ResultsHorizon.NONE);
    private final TaskStores stores = TaskStores.create(config.dedupeRetention());
    private final KeyValueStore<String, io.inferbroker.schemas.WorkerStatus> workers = stores.workers();

    @Test
    void shouldRebuildQueueAndOutstandingCountsAfterRestart() {
        workers.put("w1", worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        MockProcessorContext<String, Outbound> first = context(T0);
        Processor<String, Envelope, String, Outbound> before = supplier.get();
        before.init(first);
        for (String id : List.of("j1", "j2", "j3")) {
            before.process(new Record<>(MODEL, new Envelope.Admit(job(id, MODEL, 5, T0, null)), 0L));
        }
        tick(first, T0.plusMillis(20));
        assertThat(batchedJobs(first)).containsExactly(List.of("j1", "j2"));
        before.close();

        MockProcessorContext<String, Outbound> second = context(T0.plusMillis(40));
        Processor<String, Envelope, String, Outbound> after = supplier.get();
        after.init(second);
        tick(second, T0.plusMillis(40));
        assertThat(batchedJobs(second)).as("worker still full after restart").isEmpty();

        JobResult done = succeeded("j1", MODEL, "w1", T0);
        after.process(new Record<>(
                MODEL, new Envelope.Finish("j1", MODEL, done.tenantId(), done.status(), done.workerId(), null), 0L));
        tick(second, T0.plusMillis(45));

        assertThat(batchedJobs(second)).containsExactly(List.of("j3"));
    }

    @Test
    void shouldTimeOutAJobSentBeforeARestartCountingFromItsSendTime() {
        DispatchProcessorSupplier timed = new DispatchProcessorSupplier(
                config.withJobTimeout(Duration.ofSeconds(5)),
                new LeastLoadedPolicy(),
                DispatcherMetrics.noop(),
                ResultsHorizon.NONE);
        workers.put("w1", worker("w1", 2, 0, WorkerState.ACTIVE, true, T0, MODEL));
        MockProcessorContext<String, Outbound> first = context(T0);
        Processor<String, Envelope, String, Outbound> before = timed.get();
        before.init(first);
        before.process(new Record<>(MODEL, new Envelope.Admit(job("j1", MODEL, 5, T0, null)), 0L));
        tick(first, T0.plusMillis(20));
        assertThat(batchedJobs(first)).containsExactly(List.of("j1"));
        before.close();

        Instant later = T0.plusSeconds(4);
        workers.put("w1", worker("w1", 2, 0, WorkerState.ACTIVE, true, later, MODEL));
        MockProcessorContext<String, Outbound> second = context(later);
        Processor<String, Envelope, String, Outbound> after = timed.get();
        after.init(second);
        tick(second, later);
        assertThat(second.forwarded())
                .as("4 s after the send: within the timeout")
                .isEmpty();

        Instant past = T0.plusSeconds(5).plusMillis(200);
        workers.put("w1", worker("w1", 2, 0, WorkerState.ACTIVE, true, past, MODEL));
        tick(second, past);
        assertThat(second.forwarded())
                .extracting(f -> f.record().value())
                .filteredOn(v -> v instanceof Outbound.Batch b && b.batch().cancel() != null)
                .as("the worker is told to stop the timed-out job")
                .hasSize(1);
        assertThat(batchedJobs(second))
                .filteredOn(jobs -> !jobs.isEmpty())
                .as("sent again")
                .containsExactly(List.of("j1"));
    }

    private MockProcessorContext<String, Outbound> context(Instant now) {
        MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        stores.addTo(context);
        return context;
    }

    private static void tick(MockProcessorContext<String, Outbound> context, Instant now) {
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(now.toEpochMilli());
    }

    private static List<List<String>> batchedJobs(MockProcessorContext<String, Outbound> context) {
        List<List<String>> batches = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Batch b) {
                batches.add(b.batch().jobs().stream().map(DispatchedJob::jobId).toList());
            }
        }
        context.resetForwards();
        return batches;
    }
}
