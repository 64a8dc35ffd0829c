package io.inferbroker.replay.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import java.io.IOException;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Slim views of topic values holding only what a replay uses; every other field (outputs, inputs,
 * texts) is skipped without being built. Results and dispatch batches, read by the million, go
 * through hand-written token readers; the rest through the wire mapper. Thread-safe.
 */
public final class Views {
    private static final ObjectMapper MAPPER = WireJson.newMapper();
    private static final StreamingViews STREAMING = new StreamingViews(MAPPER.getFactory());
    private static final ObjectReader WORKER = MAPPER.readerFor(WorkerPriceView.class);
    private static final ObjectReader HEAD = MAPPER.readerFor(JobHead.class);

    private Views() {}

    /** Who a request, lifecycle event or result belongs to. */
    public record JobHead(
            String jobId,
            String tenantId,
            String model,
            @Nullable String workerId) {}

    /** What a result says about usage, cost and timings. */
    public record ResultView(
            String jobId,
            String tenantId,
            String model,
            JobStatus status,
            @Nullable Usage usage,
            @Nullable Cost cost,
            @Nullable String workerId,
            int attempt,
            Timings timings) {}

    /** A worker's price at one time. */
    public record WorkerPriceView(String workerId, Price price, Instant at) {}

    public static ResultView result(ConsumerRecord<byte[], byte[]> r) {
        try {
            return STREAMING.result(r.value());
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableRecordException("cannot read the result at " + where(r) + ": " + e.getMessage(), e);
        }
    }

    public static JobHead head(ConsumerRecord<byte[], byte[]> r) {
        return read(HEAD, r);
    }

    /**
     * Calls {@code each} with the id hash and attempt of every job in a dispatch batch.
     *
     * @return the batch size
     */
    static int batch(ConsumerRecord<byte[], byte[]> r, StreamingViews.BatchJob each) {
        try {
            return STREAMING.batch(r.value(), each);
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableRecordException(
                    "cannot read the dispatch batch at " + where(r) + ": " + e.getMessage(), e);
        }
    }

    public static WorkerPriceView workerPrice(ConsumerRecord<byte[], byte[]> r) {
        return read(WORKER, r);
    }

    /** The mapper of the wire conventions, for full records where a replay needs them. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static <T> T read(ObjectReader reader, ConsumerRecord<byte[], byte[]> r) {
        try {
            T value = reader.readValue(r.value());
            if (value == null) {
                throw new UnreadableRecordException("empty value at " + where(r));
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableRecordException("cannot read the record at " + where(r) + ": " + e.getMessage(), e);
        }
    }

    /** A record's position, for messages. */
    public static String where(ConsumerRecord<?, ?> r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }
}
