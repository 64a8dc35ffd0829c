package io.inferbroker.dispatcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.dispatcher.LeastLoadedPolicy;
import io.inferbroker.schemas.TopicNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The idle tasks of one stream thread share their periodic checks, so the thread wakes once for all. */
class IdleWakesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final long TICK = DispatcherConfig.DEFAULT_PUNCTUATE_INTERVAL.toMillis();

    private final DispatcherConfig config = DispatcherConfig.defaults("wakes-test", TopicNames.unprefixed());
    private final PollPacer pacer = new PollPacer(config.idlePoll());
    private final DispatchProcessorSupplier supplier = new DispatchProcessorSupplier(
            config,
            new LeastLoadedPolicy(),
            DispatcherMetrics.noop(),
            FleetVersion.UNTRACKED,
            ResultsHorizon.NONE,
            pacer,
            false);
    private final List<Processor<String, Envelope, String, Outbound>> tasks = new ArrayList<>();
    private final List<MockProcessorContext<String, Outbound>> contexts = new ArrayList<>();

    @AfterEach
    void close() {
        tasks.forEach(Processor::close);
    }

    @Test
    void shouldWakeOnceASecondForIdleTasksThatStartedAtDifferentTimes() {
        long now = T0.toEpochMilli();
        for (long startedAt : new long[] {now, now + 130, now + 270, now + 610}) {
            start(startedAt);
        }
        now += 610;

        int wakes = 0;
        long end = now + 10_000;
        while (now < end) {
            now += pacer.pollMillis(TICK, now);
            tickAll(now);
            wakes++;
        }

        assertThat(wakes).as("wakes in 10 idle seconds of 4 tasks").isBetween(10, 11);
    }

    @Test
    void shouldForgetAClosedTask() {
        long now = T0.toEpochMilli();
        start(now);
        tasks.getFirst().close();
        tasks.clear();

        assertThat(pacer.pollMillis(TICK, now))
                .as("no task: as Kafka Streams asks")
                .isEqualTo(TICK);
    }

    /** A task that initializes at {@code millis} and ticks right away. */
    private void start(long millis) {
        MockProcessorContext<String, Outbound> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(millis);
        TaskStores.create(config.dedupeRetention()).addTo(context);
        Processor<String, Envelope, String, Outbound> task = supplier.get();
        task.init(context);
        tasks.add(task);
        contexts.add(context);
        tick(context, millis);
    }

    /** Every task ticks: after a poll of at least one tick, each one's punctuation is due. */
    private void tickAll(long millis) {
        contexts.forEach(c -> tick(c, millis));
    }

    private static void tick(MockProcessorContext<String, Outbound> context, long millis) {
        context.setCurrentSystemTimeMs(millis);
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(millis);
    }
}
