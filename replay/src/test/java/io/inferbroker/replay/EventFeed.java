package io.inferbroker.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.testkit.KafkaInfra;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/** Writes known records with chosen record timestamps to a test's topics. */
final class EventFeed implements AutoCloseable {
    /** 10:00 UTC two days ago: inside every topic's retention, never in the future. */
    static final Instant T0 =
            Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2)).plus(Duration.ofHours(10));

    static final Price W1_PRICE =
            new Price(new BigDecimal("1.0"), new BigDecimal("2.0"), new BigDecimal("0.001"), "USD");
    static final Price W2_PRICE = new Price(new BigDecimal("0.5"), new BigDecimal("1.0"), BigDecimal.ZERO, "USD");

    private static final JsonNode INPUT =
            WireJson.newMapper().createObjectNode().put("prompt", "a long input");

    private final KafkaInfra kafka;
    private final KafkaProducer<String, byte[]> producer;

    EventFeed(KafkaInfra kafka) {
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new ByteArraySerializer());
    }

    void send(Topic topic, String key, byte[] value, Instant timestamp) {
        try {
            producer.send(new ProducerRecord<>(kafka.topics().name(topic), null, timestamp.toEpochMilli(), key, value))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    void worker(String id, Price price, Instant at) {
        WorkerStatus s = new WorkerStatus(
                WorkerStatus.VERSION,
                id,
                "sim",
                List.of("m1", "m2"),
                WorkerState.ACTIVE,
                8,
                0,
                true,
                10,
                100,
                price,
                "test",
                at);
        send(Topic.WORKERS, id, WireSerdes.WORKER_STATUS.serialize("", s), at);
    }

    void batch(String workerId, Instant at, String... jobIds) {
        List<DispatchedJob> jobs = java.util.Arrays.stream(jobIds)
                .map(j -> new DispatchedJob(j, "ten", JobKind.CHAT, INPUT, 1, 0, null, at))
                .toList();
        DispatchBatch b = new DispatchBatch(DispatchBatch.VERSION, "b-" + jobIds[0], workerId, "m1", at, jobs);
        send(Topic.DISPATCH, workerId, WireSerdes.DISPATCH_BATCH.serialize("", b), at);
    }

    /**
     * A result of attempt 1 accepted at {@link #T0}, started and finished at the given seconds after
     * it, first token one second after the start; written at {@code recordAt}.
     */
    void result(
            String jobId,
            String tenant,
            String model,
            String worker,
            JobStatus status,
            @Nullable Usage usage,
            @Nullable String cost,
            int startS,
            int endS,
            Instant recordAt) {
        result(jobId, tenant, model, worker, status, usage, cost, startS, endS, recordAt, 1);
    }

    void result(
            String jobId,
            String tenant,
            String model,
            String worker,
            JobStatus status,
            @Nullable Usage usage,
            @Nullable String cost,
            int startS,
            int endS,
            Instant recordAt,
            int attempt) {
        Instant started = startS < 0 ? null : T0.plusSeconds(startS);
        Instant firstToken = started == null || usage == null ? null : started.plusSeconds(1);
        Timings t = new Timings(T0, T0, started, firstToken, T0.plusSeconds(endS));
        JobResult r = new JobResult(
                JobResult.VERSION,
                jobId,
                tenant,
                model,
                status,
                null,
                null,
                usage,
                cost == null ? null : new Cost(new BigDecimal(cost), "USD"),
                worker,
                attempt,
                t);
        send(Topic.RESULTS, jobId, WireSerdes.JOB_RESULT.serialize("", r), recordAt);
    }

    /** The standard set: four jobs on two workers, results at T0+1h (j1, j2), +2h (j3), +3h (j4). */
    void standardSet() {
        worker("w1", W1_PRICE, T0.minusSeconds(60));
        worker("w2", W2_PRICE, T0.minusSeconds(60));
        batch("w1", T0.plusSeconds(1), "j1", "j2");
        batch("w2", T0.plusSeconds(1), "j3");
        batch("w1", T0.plusSeconds(1), "j4");
        // j1: 1000 in at 1/M + 2000 out at 2/M + (4 s / batch of 2) at 0.001/s = 0.001 + 0.004 + 0.002
        result("j1", "A", "m1", "w1", JobStatus.SUCCEEDED, new Usage(1000, 2000), "0.007", 1, 5, at(1));
        // j2: 100 in + (2 s / 2) at 0.001 = 0.0001 + 0.001
        result("j2", "B", "m1", "w1", JobStatus.FAILED, new Usage(100, 0), "0.0011", 1, 3, at(1));
        // j3: 500 in at 0.5/M + 500 out at 1/M, no GPU rate = 0.00025 + 0.0005
        result("j3", "A", "m2", "w2", JobStatus.SUCCEEDED, new Usage(500, 500), "0.00075", 2, 4, at(2));
        // j4: expired before it started: nothing used
        result("j4", "B", "m1", "w1", JobStatus.EXPIRED, null, "0", -1, 7, at(3));
    }

    static Instant at(int hoursAfterT0) {
        return T0.plus(Duration.ofHours(hoursAfterT0));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
