package io.inferbroker.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka serde for one record type, in the {@link WireJson} conventions. A null value (a
 * tombstone) stays null both ways. Thread-safe.
 *
 * <p>A {@linkplain #checked checked} serde (every serde of {@link WireSerdes}) also holds what it
 * reads to the contract: a value missing a required field, or holding one of the wrong type, throws
 * {@link ContractViolationException} naming the field. That is the one place consumers check wire
 * values; a value that passes has every non-{@code @Nullable} component set. A value that is not a
 * JSON object (empty bytes, a JSON {@code null}, an array) is unreadable: it never reads as null,
 * which only a tombstone does.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    /** Trees keep decimals as written ({@code 0.10} stays {@code 0.10}), as binding from bytes does. */
    private static final ObjectMapper MAPPER =
            WireJson.newMapper().configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    /**
     * Binds checked values: an empty string is no timestamp, number, boolean or enum constant, and a
     * string is no number or boolean (not even {@code "null"}), where Jackson would read them as null
     * (or 0) and so let a required field through unset.
     */
    private static final ObjectMapper CHECKED = strict(MAPPER.copy());

    private final Class<T> type;
    private final boolean checked;

    private JsonSerde(Class<T> type, boolean checked) {
        this.type = type;
        this.checked = checked;
    }

    /** A serde that reads what Jackson can build, for the broker's own state (store values). */
    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type, false);
    }

    /**
     * A serde that holds what it reads to the contract: for wire records, and for records that read
     * a part of one under the same names (every non-{@code @Nullable} component is required).
     */
    public static <T> JsonSerde<T> checked(Class<T> type) {
        return new JsonSerde<>(type, true);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public byte @Nullable [] serialize(String topic, @Nullable T data) {
        if (data == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " for topic " + topic, e);
        }
    }

    @Override
    public @Nullable T deserialize(String topic, byte @Nullable [] data) {
        if (data == null) {
            return null;
        }
        try {
            if (!checked) {
                return MAPPER.readValue(data, type);
            }
            JsonNode document = MAPPER.readTree(data);
            if (!document.isObject()) {
                // Empty bytes and a JSON null would bind to null, which reads as a tombstone.
                throw new SerializationException("cannot read " + type.getSimpleName() + " from topic " + topic
                        + ": the value is " + describe(document) + ", not a JSON object");
            }
            String missing = RequiredFields.firstMissing(document, type);
            if (missing != null) {
                throw new ContractViolationException(topic, type, missing, "is missing");
            }
            return CHECKED.treeToValue(document, type);
        } catch (MismatchedInputException e) {
            if (checked && !e.getPath().isEmpty()) {
                throw new ContractViolationException(topic, type, pathOf(e), "is invalid: " + expected(e));
            }
            throw unreadable(topic, e);
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(topic, e);
        }
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        for (LogicalType scalar : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(scalar).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    private static String describe(JsonNode document) {
        return document.isMissingNode()
                ? "empty"
                : "a JSON " + document.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Names the fault and where it is, but nothing of the value: Jackson's own messages quote the
     * text they could not read (a prompt, say), and these messages are logged and kept as a dead
     * letter's reason. Jackson's exception is left out as the cause for the same reason.
     */
    private SerializationException unreadable(String topic, Exception e) {
        String what = e instanceof JsonProcessingException && !(e instanceof JsonMappingException)
                ? "is not valid JSON"
                : "does not match " + type.getSimpleName();
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException rule) {
            // A record's own check (a result needs a terminal status): its message is ours and names no text.
            what = "breaks a rule of " + type.getSimpleName() + ": " + rule.getMessage();
        }
        String where = "";
        if (e instanceof JsonProcessingException j && j.getLocation() != null) {
            where = " at line " + j.getLocation().getLineNr() + ", column "
                    + j.getLocation().getColumnNr();
        }
        return new SerializationException(
                "cannot read " + type.getSimpleName() + " from topic " + topic + ": the value " + what + where);
    }

    /** What a mismatched field should hold, without the value it holds. */
    private static String expected(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        return target == null ? "not of the expected type" : "not a valid " + target.getSimpleName();
    }

    /** The wire path of the field a mismatch is about: {@code jobs[0].attempt}. */
    private static String pathOf(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the wire conventions are fixed.
    }

    @Override
    public void close() {
        // Stateless: nothing to release.
    }
}
