package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The wire serdes hold every value they read to the contract, naming the field at fault. */
class ContractCheckTest {
    private static final Instant AT = Instant.parse("2025-06-01T12:00:00Z");

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldRejectValueMissingAnyRequiredFieldNamingIt(Topic topic) throws IOException {
        JsonNode full = WireSamples.MAPPER.readTree(WireSamples.write(topic, WireSamples.full(topic)));

        for (JsonNode field : WireSchemas.tree(topic).path("required")) {
            ObjectNode missing = full.deepCopy();
            missing.remove(field.asText());

            ContractViolationException e = catchThrowableOfType(
                    ContractViolationException.class, () -> WireSamples.read(topic, bytes(missing)));

            assertThat(e).as("%s without %s", topic, field).isNotNull();
            assertThat(e.field()).isEqualTo(field.asText());
            assertThat(e.topic()).isEqualTo(topic.baseName());
        }
    }

    @Test
    void shouldRejectRequestWithoutTenantId() throws IOException {
        ObjectNode request = tree(Topic.REQUESTS);
        request.remove("tenant_id");

        assertThatThrownBy(() -> WireSerdes.JOB_REQUESTED.deserialize("inference.requests", bytes(request)))
                .isInstanceOf(ContractViolationException.class)
                .hasMessageContaining("inference.requests")
                .hasMessageContaining("JobRequested")
                .hasMessageContaining("tenant_id is missing");
    }

    @Test
    void shouldTreatAnExplicitNullAsMissing() throws IOException {
        ObjectNode request = tree(Topic.REQUESTS);
        request.putNull("model");

        assertThat(violation(Topic.REQUESTS, request).reason()).isEqualTo("model is missing");
    }

    @Test
    void shouldNameTheFieldOfAJobInsideABatch() throws IOException {
        ObjectNode batch = tree(Topic.DISPATCH);
        ((ObjectNode) batch.withArray("jobs").get(1)).remove("tenant_id");

        assertThat(violation(Topic.DISPATCH, batch).field()).isEqualTo("jobs[1].tenant_id");
    }

    @Test
    void shouldRejectAMissingNumberInsteadOfReadingZero() throws IOException {
        ObjectNode batch = tree(Topic.DISPATCH);
        ((ObjectNode) batch.withArray("jobs").get(0)).remove("attempt");

        assertThat(violation(Topic.DISPATCH, batch).field()).isEqualTo("jobs[0].attempt");
    }

    @Test
    void shouldRejectAFieldOfTheWrongType() throws IOException {
        ObjectNode event = tree(Topic.EVENTS);
        event.put("type", "exploded");

        ContractViolationException e = violation(Topic.EVENTS, event);

        assertThat(e.field()).isEqualTo("type");
        assertThat(e.reason()).startsWith("type is invalid");
    }

    @Test
    void shouldRejectAnEmptyStringAsARequiredTimestampInsteadOfReadingNull() throws IOException {
        ObjectNode batch = tree(Topic.DISPATCH);
        batch.put("dispatched_at", "");

        ContractViolationException e = violation(Topic.DISPATCH, batch);

        assertThat(e.field()).isEqualTo("dispatched_at");
        assertThat(e.reason()).startsWith("dispatched_at is invalid");
    }

    @Test
    void shouldRejectAnEmptyStringAsANumberInsteadOfReadingZero() throws IOException {
        ObjectNode batch = tree(Topic.DISPATCH);
        ((ObjectNode) batch.withArray("jobs").get(0)).put("attempt", "");

        assertThat(violation(Topic.DISPATCH, batch).field()).isEqualTo("jobs[0].attempt");
    }

    @Test
    void shouldRejectTheTextNullAsARequiredDecimalInsteadOfReadingNull() throws IOException {
        ObjectNode status = tree(Topic.WORKERS);
        ((ObjectNode) status.get("price")).put("input_per_million", "null");

        assertThat(violation(Topic.WORKERS, status).field()).isEqualTo("price.input_per_million");
    }

    @Test
    void shouldRejectACostAmountThatCannotBeWrittenOutAgainOrIsNegative() throws IOException {
        for (String amount : List.of("1e999999999", "1e-999999", "-0.5", "1000000000000000.1")) {
            ObjectNode result = tree(Topic.RESULTS);
            // Written as it comes on the wire: Jackson would not write such a number itself.
            ((ObjectNode) result.get("cost"))
                    .set("amount", JsonNodeFactory.instance.rawValueNode(new RawValue(amount)));

            assertThatThrownBy(() -> WireSamples.read(Topic.RESULTS, bytes(result)))
                    .as(amount)
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("amount must");
        }
        ObjectNode largest = tree(Topic.RESULTS);
        ((ObjectNode) largest.get("cost")).put("amount", Cost.MAX);
        assertThat(WireSerdes.JOB_RESULT
                        .deserialize("inference.results", bytes(largest))
                        .cost()
                        .amount())
                .isEqualByComparingTo(Cost.MAX);
    }

    @Test
    void shouldRejectANullElementOfARequiredList() throws IOException {
        ObjectNode batch = tree(Topic.DISPATCH);
        ArrayNode jobs = batch.withArray("jobs");
        jobs.addNull();

        assertThat(violation(Topic.DISPATCH, batch).field()).startsWith("jobs[");
    }

    @Test
    void shouldLeaveUncheckedSerdesAsLenientAsBefore() throws IOException {
        ObjectNode request = tree(Topic.REQUESTS);
        request.remove("tenant_id");

        JobRequested read = JsonSerde.of(JobRequested.class).deserialize("store", bytes(request));

        assertThat(read).isNotNull();
        assertThat(read.jobId()).isNotBlank();
    }

    @Test
    void shouldKeepAUtf8ValueAsTextAndTheViolatedField() throws IOException {
        ObjectNode request = tree(Topic.REQUESTS);
        request.remove("tenant_id");
        byte[] value = bytes(request);
        ContractViolationException cause = violation(Topic.REQUESTS, request);

        DeadLetter letter =
                DeadLetter.of(ConsumerRole.DISPATCHER, "inference.requests", 3, 17, utf8("job-1"), value, cause, AT);

        assertThat(letter.reason()).isEqualTo("tenant_id is missing");
        assertThat(letter.field()).isEqualTo("tenant_id");
        assertThat(letter.value()).isEqualTo(new String(value, StandardCharsets.UTF_8));
        assertThat(letter.valueEncoding()).isEqualTo(PayloadEncoding.UTF8);
        assertThat(letter.key()).isEqualTo("job-1");
        assertThat(letter.sourceRef()).isEqualTo("inference.requests/3/17");
    }

    @Test
    void shouldKeepBytesThatAreNotUtf8InBase64() {
        byte[] garbage = {(byte) 0xC3, 0x28, '{', 'x'};
        Exception cause = catchThrowableOfType(
                Exception.class, () -> WireSerdes.DISPATCH_BATCH.deserialize("inference.dispatch", garbage));

        DeadLetter letter = DeadLetter.of(ConsumerRole.WORKER, "inference.dispatch", 0, 5, null, garbage, cause, AT);

        assertThat(letter.valueEncoding()).isEqualTo(PayloadEncoding.BASE64);
        assertThat(Base64.getDecoder().decode(letter.value())).isEqualTo(garbage);
        assertThat(letter.field()).isNull();
        assertThat(letter.key()).isNull();
        assertThat(letter.keyEncoding()).isNull();
        assertThat(letter.reason()).contains("inference.dispatch");
    }

    private static ContractViolationException violation(Topic topic, JsonNode json) throws IOException {
        byte[] bytes = bytes(json);
        ContractViolationException e =
                catchThrowableOfType(ContractViolationException.class, () -> WireSamples.read(topic, bytes));
        assertThat(e).as("%s is rejected", json).isNotNull();
        return e;
    }

    private static ObjectNode tree(Topic topic) throws IOException {
        return (ObjectNode) WireSamples.MAPPER.readTree(WireSamples.write(topic, WireSamples.full(topic)));
    }

    private static byte[] bytes(JsonNode json) throws IOException {
        return WireSamples.MAPPER.writeValueAsBytes(json);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
