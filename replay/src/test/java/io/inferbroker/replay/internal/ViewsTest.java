package io.inferbroker.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.replay.ReplayException;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.schemas.WireSerdes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ViewsTest {
    private static final Instant T = Instant.parse("2026-11-25T10:00:00.123456789Z");

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>("results", 0, 7, new byte[0], value);
    }

    @Test
    void shouldReadEveryFieldOfAResultTheWayTheWireWritesIt() {
        JobResult full = new JobResult(
                JobResult.VERSION,
                "j1",
                "ten",
                "m1",
                JobStatus.FAILED,
                WireJson.newMapper()
                        .createObjectNode()
                        .set("nested", WireJson.newMapper().createArrayNode().add(1)),
                new JobError("boom", "it broke"),
                new Usage(12, 34),
                new Cost(new BigDecimal("0.00012300"), "EUR"),
                "w1",
                2,
                new Timings(T, T.plusMillis(1), null, null, T.plusSeconds(3)));

        Views.ResultView v = Views.result(record(WireSerdes.JOB_RESULT.serialize("", full)));

        assertThat(v.jobId()).isEqualTo("j1");
        assertThat(v.tenantId()).isEqualTo("ten");
        assertThat(v.status()).isEqualTo(JobStatus.FAILED);
        assertThat(v.usage()).isEqualTo(new Usage(12, 34));
        assertThat(v.cost().amount()).isEqualByComparingTo("0.000123");
        assertThat(v.cost().currency()).isEqualTo("EUR");
        assertThat(v.workerId()).isEqualTo("w1");
        assertThat(v.attempt()).isEqualTo(2);
        assertThat(v.timings()).isEqualTo(full.timings());
    }

    @Test
    void shouldNameThePositionOfAnUnreadableResult() {
        byte[] bad = "{\"job_id\":\"j1\",\"status\":\"running\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Views.result(record(bad)))
                .isInstanceOf(ReplayException.class)
                .hasMessageContaining("results-0@7");
    }

    @Test
    void shouldKnowTheBatchSizeOfEachAttempt() {
        var input = WireJson.newMapper().createObjectNode().put("prompt", "x");
        List<DispatchedJob> jobs = List.of(
                new DispatchedJob("a", "t", JobKind.CHAT, input, 1, 0, null, T),
                new DispatchedJob("b", "t", JobKind.CHAT, input, 2, 0, null, T),
                new DispatchedJob("c", "t", JobKind.CHAT, input, 1, 0, null, T));
        BatchSizes sizes = new BatchSizes();
        sizes.add(record(WireSerdes.DISPATCH_BATCH.serialize("", new DispatchBatch(1, "b1", "w", "m", T, jobs))));
        for (int i = 0; i < 5000; i++) {
            sizes.add(record(WireSerdes.DISPATCH_BATCH.serialize(
                    "",
                    new DispatchBatch(
                            1,
                            "x" + i,
                            "w",
                            "m",
                            T,
                            List.of(new DispatchedJob("x" + i, "t", JobKind.CHAT, input, 1, 0, null, T))))));
        }

        assertThat(sizes.of("a", 1)).isEqualTo(3);
        assertThat(sizes.of("b", 2)).isEqualTo(3);
        assertThat(sizes.of("b", 1)).isEqualTo(1);
        assertThat(sizes.of("x4999", 1)).isEqualTo(1);
        assertThat(sizes.of("unknown", 1)).isEqualTo(1);
        assertThat(sizes.count()).isEqualTo(5003);
    }

    @Test
    void shouldParseWireTimesLikeTheJdk() {
        for (String s : List.of(
                "2026-11-25T10:00:00Z",
                "2026-11-25T10:00:00.5Z",
                "2024-02-29T23:59:59.123456789Z",
                "1969-12-31T23:59:59Z",
                "2000-03-01T00:00:00.000001Z")) {
            assertThat(WireTime.parse(s)).as(s).isEqualTo(Instant.parse(s));
            char[] padded = ("xx" + s + "yy").toCharArray();
            assertThat(WireTime.parse(padded, 2, s.length())).as(s).isEqualTo(Instant.parse(s));
        }
        assertThat(WireTime.parse("2026-11-25T12:00:00+02:00")).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThatThrownBy(() -> WireTime.parse("soon")).isInstanceOf(IllegalArgumentException.class);
        char[] offset = "2026-11-25T12:00:00.5+02:00".toCharArray();
        assertThat(WireTime.parse(offset, 0, offset.length)).isEqualTo(Instant.parse("2026-11-25T10:00:00.5Z"));
        char[] bad = "2026-11-25T1x:00:00.000Z".toCharArray();
        assertThatThrownBy(() -> WireTime.parse(bad, 0, bad.length)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRateLikeTheWorker() {
        Price price = new Price(new BigDecimal("1.5"), new BigDecimal("3"), new BigDecimal("0.002"), "USD");

        BigDecimal cost = Rating.cost(price, new Usage(1000, 500), Rating.gpuShare(Duration.ofMillis(3001), 3));

        // 0.0015 + 0.0015 + 1.000333333 s x 0.002 = 0.005000666666, rounded to 10 decimals
        assertThat(cost).isEqualByComparingTo("0.0050006667");
        assertThat(Rating.cost(price, null, Duration.ZERO)).isEqualByComparingTo("0");
    }
}
