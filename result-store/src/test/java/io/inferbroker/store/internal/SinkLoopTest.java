package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.WireFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkLoopTest {
    private final TopicNames names = new TopicNames("unit.");
    private final TopicPartition results = new TopicPartition(names.results(), 0);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final FakeWriter writer = new FakeWriter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkLoop loop = new SinkLoop(
            consumer,
            new RecordDecoder(names),
            writer,
            new ResultStoreMetrics(registry),
            new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
            this::deadLetter,
            Clock.systemUTC());
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private boolean deadLettersFail;

    private CompletableFuture<Void> deadLetter(DeadLetter letter) {
        if (deadLettersFail) {
            return CompletableFuture.failedFuture(new IllegalStateException("dead-letter topic unavailable"));
        }
        deadLetters.add(letter);
        return CompletableFuture.completedFuture(null);
    }

    @BeforeEach
    void assign() {
        loop.subscribe();
        consumer.rebalance(List.of(results));
        consumer.updateBeginningOffsets(Map.of(results, 0L));
    }

    @Test
    void shouldCommitOnlyAfterTheBatchIsWritten() {
        addResult(0, "job-1");
        addResult(1, "job-2");

        loop.pollOnce();

        assertThat(writer.batches).hasSize(1);
        assertThat(writer.batches.get(0)).extracting(Decoded::jobId).containsExactly("job-1", "job-2");
        assertThat(committed()).isEqualTo(2L);
        assertThat(loop.isReady()).isTrue();
        assertThat(registry.get("broker.store.records.written")
                        .tag("topic", "inference.results")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldRewindWithoutCommittingWhileTheDatabaseIsDown() {
        writer.failures.add(new RuntimeException(new SQLException("Connection refused", "08001")));
        addResult(0, "job-1");
        addResult(1, "job-2");

        loop.pollOnce();

        assertThat(loop.isReady()).isFalse();
        assertThat(committed()).isNull();
        assertThat(consumer.position(results)).isEqualTo(0L);
        assertThat(registry.get("broker.store.write.failures")
                        .tag("kind", "unavailable")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        addResult(0, "job-1");
        addResult(1, "job-2");
        loop.pollOnce();

        assertThat(loop.isReady()).isTrue();
        assertThat(writer.batches).hasSize(1);
        assertThat(committed()).isEqualTo(2L);
    }

    @Test
    void shouldSkipPoisonAndStillCommitPastIt() {
        consumer.addRecord(record(0, "{broken".getBytes(StandardCharsets.UTF_8)));
        addResult(1, "job-1");

        loop.pollOnce();

        assertThat(writer.batches)
                .singleElement()
                .satisfies(b -> assertThat(b).extracting(Decoded::jobId).containsExactly("job-1"));
        assertThat(committed()).isEqualTo(2L);
        assertThat(registry.get("broker.store.records.poison")
                        .tag("topic", "inference.results")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(deadLetters).singleElement().satisfies(l -> {
            assertThat(l.role()).isEqualTo(ConsumerRole.STORE);
            assertThat(l.topic()).isEqualTo(names.results());
            assertThat(l.offset()).isZero();
            assertThat(l.value()).isEqualTo("{broken");
        });
    }

    @Test
    void shouldDeadLetterAResultWithoutTenantNamingTheField() {
        consumer.addRecord(record(
                0,
                ("{\"schema_version\":1,\"job_id\":\"job-0\",\"model\":\"m\",\"status\":\"succeeded\","
                                + "\"attempt\":1,\"timings\":{\"accepted_at\":\"2026-01-01T00:00:00Z\","
                                + "\"completed_at\":\"2026-01-01T00:00:01Z\"}}")
                        .getBytes(StandardCharsets.UTF_8)));
        addResult(1, "job-1");

        loop.pollOnce();

        assertThat(deadLetters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo("tenant_id is missing");
            assertThat(l.field()).isEqualTo("tenant_id");
        });
        assertThat(writer.batches.getFirst()).extracting(Decoded::jobId).containsExactly("job-1");
        assertThat(committed()).isEqualTo(2L);
        assertThat(registry.get("broker.dead_letters")
                        .tag("role", "store")
                        .tag("topic", names.results())
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldNotCommitPastPoisonWhoseDeadLetterCouldNotBeWritten() {
        deadLettersFail = true;
        consumer.addRecord(record(0, "{broken".getBytes(StandardCharsets.UTF_8)));
        addResult(1, "job-1");

        loop.pollOnce();

        assertThat(committed()).isNull();
        assertThat(consumer.position(results)).isZero();
        assertThat(loop.isReady()).isFalse();

        deadLettersFail = false;
        consumer.addRecord(record(0, "{broken".getBytes(StandardCharsets.UTF_8)));
        addResult(1, "job-1");
        loop.pollOnce();

        assertThat(deadLetters).hasSize(1);
        assertThat(committed()).isEqualTo(2L);
        assertThat(loop.isReady()).isTrue();
    }

    @Test
    void shouldWriteOneByOneAndSkipOnlyTheRecordTheDatabaseRejects() {
        writer.rejectedJob = "job-bad";
        addResult(0, "job-1");
        addResult(1, "job-bad");
        addResult(2, "job-3");

        loop.pollOnce();

        assertThat(writer.batches).extracting(b -> b.get(0).jobId()).containsExactly("job-1", "job-3");
        assertThat(committed()).isEqualTo(3L);
        assertThat(loop.isReady()).isTrue();
        assertThat(registry.get("broker.store.records.poison")
                        .tag("topic", "inference.results")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldBeReadyOnlyOnceTheGroupAssignedItsPartitions() {
        MockConsumer<byte[], byte[]> joining = new MockConsumer<>("earliest");
        SinkLoop fresh = new SinkLoop(
                joining,
                new RecordDecoder(names),
                writer,
                new ResultStoreMetrics(registry),
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
                this::deadLetter,
                Clock.systemUTC());

        fresh.subscribe();
        assertThat(fresh.isReady()).isFalse();

        joining.rebalance(List.of(results));
        assertThat(fresh.isReady()).isTrue();
    }

    @Test
    void shouldBeUnreadyOnlyWhileKafkaPollsFail() {
        consumer.setPollException(new KafkaException("broker unreachable"));

        loop.pollOnce();
        assertThat(loop.isReady()).isFalse();

        loop.pollOnce();
        assertThat(loop.isReady()).isTrue();
    }

    private void addResult(long offset, String jobId) {
        consumer.addRecord(record(
                offset,
                WireSerdes.JOB_RESULT.serialize(
                        names.results(), WireFixtures.succeeded(jobId, "ten_a", "w1", 1, "x"))));
    }

    private ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(names.results(), 0, offset, new byte[0], value);
    }

    private Long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(results)).get(results);
        return o == null ? null : o.offset();
    }

    /** Records successful batches; fails as scripted, or on any batch holding the rejected job. */
    private static final class FakeWriter implements RecordWriter {
        final List<List<Decoded>> batches = new ArrayList<>();
        final Deque<RuntimeException> failures = new ArrayDeque<>();
        String rejectedJob = "";

        @Override
        public void write(List<Decoded> batch) {
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            if (batch.stream().anyMatch(d -> d.jobId().equals(rejectedJob))) {
                throw new RuntimeException(new SQLException("unsupported Unicode escape sequence", "22P05"));
            }
            batches.add(List.copyOf(batch));
        }
    }
}
