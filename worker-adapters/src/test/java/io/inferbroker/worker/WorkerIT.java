package io.inferbroker.worker;

import static io.inferbroker.worker.Jobs.chat;
import static io.inferbroker.worker.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import io.inferbroker.testkit.TopicProbe;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.testkit.upstream.Scenario;
import io.inferbroker.worker.http.ApiKey;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.internal.DispatchPartition;
import io.inferbroker.worker.openai.OpenAiCompatibleAdapter;
import io.inferbroker.worker.sim.LatencyModel;
import io.inferbroker.worker.sim.SimulatedModelAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class WorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = WireJson.newMapper();
    private static final Price PRICE =
            new Price(new BigDecimal("0.10"), new BigDecimal("0.40"), new BigDecimal("0.001"), "USD");

    @Test
    void shouldRunOnlyItsOwnBatchesAndPublishEventsTokensResultsAndStatus(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        int partitions = dispatchPartitions(kafka);
        String me = "w-a";
        String other = neighbourOf(me, partitions);
        DispatchBatch theirs = new DispatchBatch(
                DispatchBatch.VERSION, "b0", other, "sim-echo", Instant.now(), List.of(chat("x1", "not mine")));
        int resultPartitions = partitionsOf(kafka, topics.results());
        assertThat(resultPartitions).as("the test needs a choice of partitions").isGreaterThan(1);
        // Not the partition j1 hashes to: its result lands there only because the batch asks.
        int reply = (Partitioning.of("j1", resultPartitions) + 1) % resultPartitions;
        DispatchBatch mine = new DispatchBatch(
                DispatchBatch.VERSION,
                "b1",
                me,
                "sim-echo",
                Instant.now(),
                List.of(
                        chat("j1", "hello brave new world"),
                        job("j2", JobKind.COMPLETION, "{\"prompt\": \"a b c d e\", \"max_tokens\": 3}"),
                        job("j3", JobKind.EMBEDDING, "{\"input\": \"embed me\"}")),
                null,
                reply);
        send(kafka, theirs, mine);

        try (TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT);
                TopicProbe<LifecycleEvent> events = kafka.probe(topics.events(), WireSerdes.LIFECYCLE_EVENT);
                TopicProbe<TokenDelta> tokens = kafka.probe(topics.tokens(), WireSerdes.TOKEN_DELTA);
                TopicProbe<WorkerStatus> statuses = kafka.probe(topics.workers(), WireSerdes.WORKER_STATUS)) {
            WorkerConfig config = config(me, topics);
            try (Worker worker = startWorker(kafka, config)) {
                assertThat(worker.config()).isEqualTo(config);
                List<ConsumerRecord<String, JobResult>> records = results.awaitCount(3, WAIT);
                assertThat(records)
                        .as("results go to the partition the dispatcher asked for")
                        .allSatisfy(r -> assertThat(r.partition()).isEqualTo(reply));
                List<JobResult> done = values(records);
                assertResults(done);
                assertEvents(values(events.awaitUntil(r -> r.size() >= 6, WAIT)));
                assertTokens(values(tokens.awaitUntil(r -> r.size() >= 7, WAIT)));
                List<WorkerStatus> active = values(statuses.awaitUntil(r -> !r.isEmpty(), WAIT));
                assertThat(active).allSatisfy(s -> {
                    assertThat(s.workerId()).isEqualTo(me);
                    assertThat(s.adapter()).isEqualTo("sim");
                    assertThat(s.capacity()).isEqualTo(2);
                    assertThat(s.inFlight()).isBetween(0, 2);
                    assertThat(s.state()).isEqualTo(WorkerState.ACTIVE);
                });
                await().atMost(WAIT)
                        .until(() -> committed(kafka, config, partitions).equals(OptionalLong.of(2)));
            }
            List<ConsumerRecord<String, WorkerStatus>> all =
                    statuses.awaitUntil(r -> !r.isEmpty() && r.getLast().value().state() == WorkerState.GONE, WAIT);
            assertThat(all).allMatch(r -> r.key().equals(me));
            assertThat(values(all)).extracting(WorkerStatus::state).contains(WorkerState.DRAINING);
            assertThat(values(all).getLast().inFlight()).isZero();
            assertThat(results.values()).noneMatch(r -> r.jobId().equals("x1"));
            assertThat(events.values()).noneMatch(e -> e.jobId().equals("x1"));
        }
    }

    @Test
    void shouldResumeAfterItsCommittedOffsetWhenRestarted(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        WorkerConfig config = config("w-restart", topics);
        try (TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT)) {
            send(kafka, batch(config, "first", chat("r1", "one")));
            try (Worker first = startWorker(kafka, config)) {
                results.awaitCount(1, WAIT);
                assertThat(first.inFlight()).isBetween(0, 1);
            }

            send(kafka, batch(config, "second", chat("r2", "two")));
            try (Worker second = startWorker(kafka, config)) {
                results.awaitCount(2, WAIT);
                assertThat(second.status().workerId()).isEqualTo(config.workerId());
            }

            assertThat(results.values()).extracting(JobResult::jobId).containsExactly("r1", "r2");
        }
    }

    @Test
    void shouldDeadLetterABatchMissingATenantAndRunTheNextBatch(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        WorkerConfig config = config("w-poison", topics);
        ObjectNode poison = (ObjectNode) JSON.readTree(
                WireSerdes.DISPATCH_BATCH.serialize(topics.dispatch(), batch(config, "bad", chat("p1", "poison"))));
        ((ObjectNode) poison.withArray("jobs").get(0)).remove("tenant_id");
        try (TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT);
                TopicProbe<DeadLetter> letters = kafka.probe(topics.deadLetters(), WireSerdes.DEAD_LETTER);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.dispatch(), config.workerId(), JSON.writeValueAsBytes(poison)))
                    .get();
            send(kafka, batch(config, "good", chat("g1", "fine")));

            try (Worker worker = startWorker(kafka, config)) {
                results.awaitCount(1, WAIT);
                DeadLetter letter = letters.awaitCount(1, WAIT).getFirst().value();

                assertThat(results.values()).extracting(JobResult::jobId).containsExactly("g1");
                assertThat(letter.reason()).isEqualTo("jobs[0].tenant_id is missing");
                assertThat(letter.role()).isEqualTo(ConsumerRole.WORKER);
                assertThat(letter.topic()).isEqualTo(topics.dispatch());
                assertThat(letter.key()).isEqualTo(config.workerId());
                assertThat(JSON.readTree(letter.value())).isEqualTo(poison);
                assertThat(worker.status().healthy()).isTrue();
            }
            int partitions = dispatchPartitions(kafka);
            await().atMost(WAIT)
                    .until(() -> committed(kafka, config, partitions).orElse(0) >= 2);
        }
    }

    @Test
    void shouldHandBackWhatItCouldNotFinishWhenDrainedAndLoseNoJob(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        WorkerConfig config = new WorkerConfig(
                "w-drain",
                List.of("sim-echo"),
                2,
                PRICE,
                Duration.ofMillis(200),
                topics,
                "test",
                Duration.ofMillis(300));
        DispatchedJob slow =
                job("slow", JobKind.COMPLETION, "{\"prompt\": \"" + "word ".repeat(400) + "\", \"max_tokens\": 400}");
        try (TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT);
                TopicProbe<LifecycleEvent> events = kafka.probe(topics.events(), WireSerdes.LIFECYCLE_EVENT);
                TopicProbe<WorkerStatus> statuses = kafka.probe(topics.workers(), WireSerdes.WORKER_STATUS)) {
            send(kafka, batch(config, "quick", chat("quick", "done soon")), batch(config, "long", slow));
            Worker draining = startWorker(kafka, config, 5.0);
            results.awaitCount(1, WAIT);
            events.awaitUntil(
                    seen -> seen.stream()
                            .anyMatch(e -> e.key().equals("slow") && e.value().type() == LifecycleType.STARTED),
                    WAIT);

            draining.close();

            statuses.awaitUntil(
                    seen -> !seen.isEmpty() && seen.getLast().value().state() == WorkerState.GONE, WAIT);
            List<WorkerState> states =
                    statuses.values().stream().map(WorkerStatus::state).toList();
            assertThat(states).containsSubsequence(WorkerState.DRAINING, WorkerState.GONE);
            assertThat(states.getLast()).isEqualTo(WorkerState.GONE);
            assertThat(results.values()).extracting(JobResult::jobId).containsExactly("quick");

            try (Worker successor = startWorker(kafka, config, 0.001)) {
                results.awaitCount(2, WAIT);
                assertThat(successor.status().state()).isEqualTo(WorkerState.ACTIVE);
            }
            assertThat(results.values()).extracting(JobResult::jobId).containsExactly("quick", "slow");
            assertThat(results.values().getLast().status()).isEqualTo(JobStatus.SUCCEEDED);
        }
    }

    @Test
    void shouldSkipBatchesAddressedToAnEarlierRunOfItself(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        WorkerConfig config = config("w-rerun", topics);
        int partitions = dispatchPartitions(kafka);
        try (TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT)) {
            send(kafka, addressed(batch(config, "before", chat("stale", "sent to the run before")), "run-before"));
            try (Worker worker = startWorker(kafka, config)) {
                String instance = worker.status().instance();
                assertThat(instance).isNotBlank().isNotEqualTo("run-before");
                send(kafka, addressed(batch(config, "now", chat("fresh", "sent to this run")), instance));
                await().atMost(WAIT)
                        .until(() -> committed(kafka, config, partitions).equals(OptionalLong.of(2)));
                // Results of one reply partition keep their order: once the marker is read, a result
                // of the skipped batch (published before its offset was committed) would have been too.
                send(kafka, addressed(batch(config, "marker", chat("marker", "after both")), instance));
                results.awaitUntil(seen -> seen.stream().anyMatch(r -> r.key().equals("marker")), WAIT);
            }
            assertThat(results.values())
                    .as("the dispatcher sends the earlier run's jobs again; this run must not run them too")
                    .extracting(JobResult::jobId)
                    .containsExactly("fresh", "marker");
        }
    }

    @Test
    void shouldStopARunningJobOnItsModelServerWhenACancelArrives(KafkaInfra kafka) throws Exception {
        TopicNames topics = kafka.topics();
        WorkerConfig config = config("w-cancel", topics);
        try (FakeOpenAiServer server = FakeOpenAiServer.start();
                TopicProbe<JobResult> results = kafka.probe(topics.results(), WireSerdes.JOB_RESULT);
                TopicProbe<TokenDelta> tokens = kafka.probe(topics.tokens(), WireSerdes.TOKEN_DELTA)) {
            server.enqueue(new Scenario.Endless(Duration.ofMillis(10)));
            OpenAiCompatibleAdapter adapter = OpenAiCompatibleAdapter.create(
                    EndpointConfig.of(URI.create(server.baseUrl()), ApiKey.NONE, Map.of()), Clock.systemUTC());
            try (Worker worker =
                    Worker.start(config, adapter, kafka.clientProps(), Clock.systemUTC(), new SimpleMeterRegistry())) {
                send(kafka, batch(config, "endless", chat("forever", "go")));
                tokens.awaitCount(3, WAIT);

                send(
                        kafka,
                        new DispatchBatch(
                                DispatchBatch.VERSION,
                                "cancel",
                                config.workerId(),
                                "sim-echo",
                                Instant.now(),
                                List.of(),
                                List.of("forever")));

                JobResult result = results.awaitCount(1, WAIT).getFirst().value();
                assertThat(result.status()).isEqualTo(JobStatus.CANCELED);
                assertThat(result.error().code()).isEqualTo("canceled");
                await().atMost(WAIT).until(() -> server.disconnects() == 1);
                await().atMost(WAIT).until(() -> worker.inFlight() == 0);
            }
        }
    }

    @Test
    void shouldRefuseToStartWithoutItsDispatchTopic(KafkaInfra kafka) {
        WorkerConfig config = config("w-lost", new TopicNames(kafka.topics().prefix() + "missing."));

        assertThatThrownBy(() -> startWorker(kafka, config))
                .isInstanceOf(WorkerStartException.class)
                .hasMessageContaining(config.topics().dispatch());
    }

    private static void assertResults(List<JobResult> done) {
        assertThat(done).extracting(JobResult::jobId).containsExactlyInAnyOrder("j1", "j2", "j3");
        assertThat(done).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(r.workerId()).isEqualTo("w-a");
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.cost().currency()).isEqualTo("USD");
            assertThat(r.cost().amount()).isPositive();
            assertThat(r.timings().dispatchedAt()).isNotNull();
            assertThat(r.timings().startedAt()).isNotNull();
            assertThat(r.timings().completedAt()).isAfterOrEqualTo(r.timings().startedAt());
        });
        JobResult j1 = byId(done, "j1");
        assertThat(j1.output().get("text").asText()).isEqualTo("hello brave new world");
        assertThat(j1.usage()).isEqualTo(new Usage(4, 4));
        assertThat(j1.timings().firstTokenAt())
                .isBetween(j1.timings().startedAt(), j1.timings().completedAt());
        JobResult j2 = byId(done, "j2");
        assertThat(j2.output().get("finish_reason").asText()).isEqualTo("length");
        assertThat(j2.usage()).isEqualTo(new Usage(5, 3));
        assertThat(byId(done, "j3").output().get("embeddings").get(0)).hasSize(8);
    }

    private static void assertEvents(List<LifecycleEvent> events) {
        for (String jobId : List.of("j1", "j2", "j3")) {
            assertThat(events.stream().filter(e -> e.jobId().equals(jobId)))
                    .extracting(LifecycleEvent::type)
                    .containsExactly(LifecycleType.STARTED, LifecycleType.SUCCEEDED);
        }
        assertThat(events).allSatisfy(e -> assertThat(e.workerId()).isEqualTo("w-a"));
    }

    private static void assertTokens(List<TokenDelta> tokens) {
        List<TokenDelta> j1 =
                tokens.stream().filter(t -> t.jobId().equals("j1")).toList();
        assertThat(j1).extracting(TokenDelta::text).containsExactly("hello", " brave", " new", " world");
        assertThat(j1).extracting(TokenDelta::seq).containsExactly(1L, 2L, 3L, 4L);
        List<TokenDelta> j2 =
                tokens.stream().filter(t -> t.jobId().equals("j2")).toList();
        assertThat(j2)
                .extracting(TokenDelta::seq)
                .containsExactly(LongStream.rangeClosed(1, 3).boxed().toArray(Long[]::new));
        assertThat(tokens).noneMatch(t -> t.jobId().equals("j3"));
    }

    private static WorkerConfig config(String workerId, TopicNames topics) {
        return new WorkerConfig(
                workerId,
                List.of("sim-echo"),
                2,
                PRICE,
                Duration.ofMillis(200),
                topics,
                "test",
                Duration.ofSeconds(10));
    }

    private static Worker startWorker(KafkaInfra kafka, WorkerConfig config) {
        return startWorker(kafka, config, 0.01);
    }

    private static Worker startWorker(KafkaInfra kafka, WorkerConfig config, double timeScale) {
        SimulatedModelAdapter sim =
                SimulatedModelAdapter.create(LatencyModel.load("llama-160m", timeScale), Clock.systemUTC());
        return Worker.start(config, sim, kafka.clientProps(), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private static DispatchBatch batch(WorkerConfig config, String batchId, DispatchedJob... jobs) {
        return new DispatchBatch(
                DispatchBatch.VERSION, batchId, config.workerId(), "sim-echo", Instant.now(), List.of(jobs));
    }

    /** {@code b} for the run {@code instance}, its results to partition 0 (in publish order). */
    private static DispatchBatch addressed(DispatchBatch b, String instance) {
        return new DispatchBatch(
                b.schemaVersion(),
                b.batchId(),
                b.workerId(),
                b.model(),
                b.dispatchedAt(),
                b.jobs(),
                b.cancel(),
                0,
                instance);
    }

    private static void send(KafkaInfra kafka, DispatchBatch... batches) throws Exception {
        try (KafkaProducer<String, DispatchBatch> producer =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.DISPATCH_BATCH)) {
            for (DispatchBatch batch : batches) {
                producer.send(new ProducerRecord<>(kafka.topics().dispatch(), batch.workerId(), batch))
                        .get();
            }
        }
    }

    /** Another worker id whose batches share this worker's dispatch partition. */
    private static String neighbourOf(String workerId, int partitions) {
        int own = DispatchPartition.forWorker(workerId, partitions);
        for (int i = 0; ; i++) {
            String candidate = "w-other-" + i;
            if (DispatchPartition.forWorker(candidate, partitions) == own) {
                return candidate;
            }
        }
    }

    private static int dispatchPartitions(KafkaInfra kafka) throws Exception {
        return partitionsOf(kafka, kafka.topics().dispatch());
    }

    private static int partitionsOf(KafkaInfra kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .size();
        }
    }

    private static OptionalLong committed(KafkaInfra kafka, WorkerConfig config, int partitions) throws Exception {
        TopicPartition own = new TopicPartition(
                kafka.topics().dispatch(), DispatchPartition.forWorker(config.workerId(), partitions));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(config.groupId())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(own);
            return offset == null ? OptionalLong.empty() : OptionalLong.of(offset.offset());
        }
    }

    private static <V> List<V> values(List<ConsumerRecord<String, V>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static JobResult byId(List<JobResult> results, String jobId) {
        return results.stream().filter(r -> r.jobId().equals(jobId)).findFirst().orElseThrow();
    }
}
