package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JsonSerdeTest {

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldRoundTripValueWithEveryOptionalFieldSet(Topic topic) {
        Object value = WireSamples.full(topic);

        assertThat(WireSamples.read(topic, WireSamples.write(topic, value))).isEqualTo(value);
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldRoundTripValueWithEveryOptionalFieldNull(Topic topic) {
        Object value = WireSamples.minimal(topic);

        assertThat(WireSamples.read(topic, WireSamples.write(topic, value))).isEqualTo(value);
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldServeTheCataloguedValueTypeFromWireSerdes(Topic topic) {
        assertThat(WireSamples.serde(topic).type()).isEqualTo(topic.valueType());
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldKeepTombstoneNullBothWays(Topic topic) {
        JsonSerde<?> serde = WireSamples.serde(topic);

        assertThat(serde.serializer().serialize(topic.baseName(), null)).isNull();
        assertThat(serde.deserializer().deserialize(topic.baseName(), null)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldNameTopicWhenBytesAreNotJson(Topic topic) {
        byte[] garbage = {(byte) 0xC3, 0x28, '{', 'x'};

        assertThatThrownBy(() -> WireSamples.serde(topic).deserialize("dev." + topic.baseName(), garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("dev." + topic.baseName())
                .hasMessageContaining(topic.valueType().getSimpleName());
    }

    /** An empty value or a JSON null is not a tombstone (that is a null value): it must not read as one. */
    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldRefuseAnEmptyOrNullValueInsteadOfReadingNull(Topic topic) {
        for (String value : new String[] {"", " ", "null", " null "}) {
            assertThatThrownBy(() -> WireSamples.serde(topic).deserialize(topic.baseName(), utf8(value)))
                    .as("value '%s'", value)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining(topic.baseName())
                    .hasMessageContaining("not a JSON object");
        }
    }

    @Test
    void shouldRejectResultWithNonTerminalStatus() {
        String json = """
                {"schema_version":1,"job_id":"j1","tenant_id":"t","model":"m","status":"running","attempt":1,\
                "timings":{"accepted_at":"2025-06-01T12:00:00Z","completed_at":"2025-06-01T12:00:01Z"}}""";

        assertThatThrownBy(() -> WireSerdes.JOB_RESULT.deserialize("inference.results", utf8(json)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("inference.results")
                .hasMessageContaining("terminal status");
    }

    @Test
    void shouldKeepDecimalAmountsExact() {
        JobResult result = (JobResult) WireSamples.full(Topic.RESULTS);
        String json = new String(WireSerdes.JOB_RESULT.serialize("inference.results", result), StandardCharsets.UTF_8);

        JobResult read = WireSerdes.JOB_RESULT.deserialize("inference.results", utf8(json));

        assertThat(json).contains("\"amount\":0.0000425");
        assertThat(read.cost()).isNotNull();
        assertThat(read.cost().amount()).isEqualTo(new BigDecimal("0.0000425"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
