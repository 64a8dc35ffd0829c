package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.WireFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
    private final TopicNames names = new TopicNames("test.");
    private final RecordDecoder decoder = new RecordDecoder(names);

    @Test
    void shouldReadEachTopicAsItsOwnValueType() {
        byte[] request = WireSerdes.JOB_REQUESTED.serialize("t", WireFixtures.request("job-1", "ten_a"));
        byte[] event = WireSerdes.LIFECYCLE_EVENT.serialize(
                "t", WireFixtures.event("job-1", "ten_a", LifecycleType.STARTED, Duration.ofSeconds(2), "w1", 1));
        byte[] result = WireSerdes.JOB_RESULT.serialize("t", WireFixtures.succeeded("job-1", "ten_a", "w1", 1, "hi"));

        assertThat(decoder.decode(names.requests(), 0, 7, request)).isInstanceOfSatisfying(Decoded.Request.class, r -> {
            assertThat(r.jobId()).isEqualTo("job-1");
            assertThat(r.source()).isEqualTo(new Source(Topic.REQUESTS, names.requests(), 0, 7));
        });
        assertThat(decoder.decode(names.events(), 1, 3, event))
                .isInstanceOfSatisfying(
                        Decoded.Event.class, e -> assertThat(e.value().type()).isEqualTo(LifecycleType.STARTED));
        assertThat(decoder.decode(names.results(), 1, 4, result))
                .isInstanceOfSatisfying(
                        Decoded.Result.class,
                        r -> assertThat(r.value().output().get("text").asText()).isEqualTo("hi"));
        assertThat(decoder.topicNames()).containsExactlyInAnyOrder(names.requests(), names.events(), names.results());
    }

    @Test
    void shouldTurnUnreadableValuesIntoPoisonNamingTheirPosition() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);

        Decoded d = decoder.decode(names.results(), 1, 42, garbage);

        assertThat(d).isInstanceOf(Decoded.Poison.class);
        assertThat(d.source()).hasToString(names.results() + "-1@42");
    }

    @Test
    void shouldTurnValuesLackingRequiredFieldsIntoPoison() {
        byte[] noJobId =
                "{\"schema_version\":1,\"tenant_id\":\"ten_a\",\"model\":\"m\",\"type\":\"started\",\"at\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(StandardCharsets.UTF_8);
        byte[] noTimings =
                "{\"schema_version\":1,\"job_id\":\"j\",\"tenant_id\":\"ten_a\",\"model\":\"m\",\"status\":\"succeeded\",\"attempt\":1}"
                        .getBytes(StandardCharsets.UTF_8);
        byte[] notTerminal =
                "{\"schema_version\":1,\"job_id\":\"j\",\"tenant_id\":\"ten_a\",\"model\":\"m\",\"status\":\"running\"}"
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(decoder.decode(names.events(), 0, 1, noJobId))
                .isInstanceOfSatisfying(
                        Decoded.Poison.class, p -> assertThat(p.reason()).contains("job_id"));
        assertThat(decoder.decode(names.results(), 0, 2, noTimings))
                .isInstanceOfSatisfying(
                        Decoded.Poison.class, p -> assertThat(p.reason()).contains("timings"));
        assertThat(decoder.decode(names.results(), 0, 3, notTerminal)).isInstanceOf(Decoded.Poison.class);
    }

    @Test
    void shouldTreatTombstonesAsPoison() {
        assertThat(decoder.decode(names.requests(), 0, 1, null)).isInstanceOf(Decoded.Poison.class);
    }

    @Test
    void shouldRefuseTopicsItDoesNotRead() {
        assertThatThrownBy(() -> decoder.decode(names.tokens(), 0, 0, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(names.tokens());
    }
}
