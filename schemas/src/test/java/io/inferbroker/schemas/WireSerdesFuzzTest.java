package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Every topic's deserializer ({@link WireSerdes}) against arbitrary bytes and against valid records
 * mutated field by field and byte by byte: each input either reads as a record whose every required
 * field (in nested records, lists and maps too) is set, or fails with the serde's {@link
 * SerializationException} ({@link ContractViolationException}, naming the field, when the value
 * reads as JSON but breaks the contract). No other exception, no null for a non-null value.
 *
 * <p>Each try feeds its input to every topic's serde, so the tries of a property are the inputs per
 * topic. {@code -Dfuzz.tries=100000} runs the long campaign.
 */
@AddLifecycleHook(FuzzTries.class)
class WireSerdesFuzzTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<Topic> TOPICS = List.of(Topic.values());

    @Property(tries = 1500)
    void arbitraryBytesReadAsAValidRecordOrFailAsSerializationProblems(@ForAll("bytes") byte[] bytes) {
        for (Topic topic : TOPICS) {
            Statistics.label("bytes " + topic.name()).collect(outcome(topic, bytes));
        }
    }

    @Property(tries = 1500)
    void mutatedRecordsReadAsAValidRecordOrFailAsSerializationProblems(
            @ForAll("mutations") List<Mutation> mutations, @ForAll boolean full) {
        for (Topic topic : TOPICS) {
            JsonNode sample =
                    WireSamples.MAPPER.valueToTree(full ? WireSamples.full(topic) : WireSamples.minimal(topic));
            Statistics.label("mutated " + topic.name()).collect(outcome(topic, Mutation.applyAll(mutations, sample)));
        }
    }

    /** Reads {@code bytes} with the topic's serde and checks the outcome; returns what it was. */
    static String outcome(Topic topic, byte[] bytes) {
        JsonSerde<?> serde = WireSamples.serde(topic);
        Object value;
        try {
            value = serde.deserialize(topic.baseName(), bytes);
        } catch (ContractViolationException e) {
            assertThat(e.field()).as("the field at fault").isNotNull();
            assertThat(e.topic()).isEqualTo(topic.baseName());
            return "contract violation";
        } catch (SerializationException e) {
            assertThat(e.getMessage()).contains(topic.baseName());
            return "unreadable";
        }
        assertThat(value).as("a non-null value read as null").isNotNull();
        assertThat(value).isInstanceOf(topic.valueType());
        String unset = firstUnsetRequired(value, "");
        assertThat(unset).as("a required field read as null").isNull();
        return "read";
    }

    /** The path of the first required component left null in {@code value}, recursively; null if none. */
    static @Nullable String firstUnsetRequired(@Nullable Object value, String path) {
        if (value == null) {
            return null;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                String unset = item == null ? path + "[" + i + "]" : firstUnsetRequired(item, path + "[" + i + "]");
                if (unset != null) {
                    return unset;
                }
                i++;
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String at = path + "." + e.getKey();
                String unset = e.getValue() == null ? at : firstUnsetRequired(e.getValue(), at);
                if (unset != null) {
                    return unset;
                }
            }
            return null;
        }
        if (!value.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            Object component;
            try {
                component = c.getAccessor().invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            String at = path.isEmpty() ? c.getName() : path + "." + c.getName();
            boolean required = !c.getAnnotatedType().isAnnotationPresent(Nullable.class);
            if (component == null && required) {
                return at;
            }
            String unset = firstUnsetRequired(component, at);
            if (unset != null) {
                return unset;
            }
        }
        return null;
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> text = Arbitraries.strings()
                .withChars("{}[]\":,0123456789.eE+-tfnul \\abc_\u0000\ud800\udc00é")
                .ofMaxLength(200)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> fixed = Arbitraries.of(
                        "",
                        " ",
                        "null",
                        "true",
                        "0",
                        "-0",
                        "1e999999999",
                        "\"text\"",
                        "[]",
                        "[null]",
                        "{}",
                        "{\"\":null}",
                        "{\"schema_version\":null}",
                        "{\"schema_version\":1}",
                        "{} {}",
                        "{\"a\":1}garbage",
                        "\ufeff{}",
                        "[".repeat(5000),
                        "{\"a\":".repeat(3000),
                        "\"" + "x".repeat(200_000))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(5, raw), Tuple.of(5, text), Tuple.of(1, fixed));
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.arbitrary().list().ofMinSize(1).ofMaxSize(4);
    }

    /** Values that break records in every way a JSON value can: wrong types, odd text, extremes. */
    static Arbitrary<JsonNode> nastyValues() {
        Arbitrary<JsonNode> strings =
                Arbitraries.strings().all().ofMaxLength(40).map(s -> (JsonNode) JSON.textNode(s));
        Arbitrary<JsonNode> odd = Arbitraries.of(
                        "",
                        "\u0000",
                        "a\u0000b",
                        "\ud800",
                        "\udc00x",
                        "\ue000",
                        "null",
                        "queued",
                        "succeeded",
                        "cancel",
                        "CANCEL",
                        "job.*",
                        "2025-06-01T12:00:00Z",
                        "2025-13-45T99:99:99Z",
                        "+1000000000-01-01T00:00:00Z",
                        "-999999999-01-01T00:00:00Z",
                        "1e999999999",
                        "x".repeat(70_000))
                .map(s -> (JsonNode) JSON.textNode(s));
        Arbitrary<JsonNode> numbers = Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (JsonNode) JSON.numberNode(l)),
                Arbitraries.of(
                        JSON.numberNode(0),
                        JSON.numberNode(-1),
                        JSON.numberNode(Integer.MAX_VALUE + 1L),
                        JSON.numberNode(Long.MIN_VALUE),
                        JSON.numberNode(new BigInteger("9".repeat(400))),
                        JSON.numberNode(new BigDecimal("1.5")),
                        JSON.numberNode(new BigDecimal("-0.0")),
                        JSON.numberNode(new BigDecimal("1E+400")),
                        JSON.numberNode(new BigDecimal("1E-400")),
                        JSON.rawValueNode(new RawValue("1e999999999")),
                        JSON.rawValueNode(new RawValue("-1e-999999999")),
                        JSON.rawValueNode(new RawValue("1" + "0".repeat(1200))),
                        JSON.rawValueNode(new RawValue("0." + "1".repeat(1200)))));
        Arbitrary<JsonNode> shapes = Arbitraries.of(
                JSON.nullNode(),
                JSON.booleanNode(true),
                JSON.booleanNode(false),
                JSON.objectNode(),
                JSON.arrayNode(),
                JSON.arrayNode().add(JSON.nullNode()),
                JSON.objectNode().put("unknown", 1),
                JSON.arrayNode().add("a").add(1));
        Arbitrary<JsonNode> deep = Arbitraries.integers().between(1, 1500).map(WireSerdesFuzzTest::nested);
        return Arbitraries.oneOf(strings, odd, numbers, shapes, deep);
    }

    /** Arrays and objects nested {@code depth} deep, as raw text: a tree that deep is not written. */
    private static JsonNode nested(int depth) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            open.append(i % 2 == 0 ? "[" : "{\"n\":");
            close.append(i % 2 == 0 ? "]" : "}");
        }
        return JSON.rawValueNode(new RawValue(open + "\"bottom\"" + close.reverse()));
    }

    /** One change to a record: to one of its nodes (chosen by {@code at}) or to its bytes. */
    record Mutation(Op op, int at, JsonNode value, byte octet) {
        enum Op {
            REMOVE,
            SET_NULL,
            REPLACE,
            ADD_UNKNOWN,
            WRAP_IN_ARRAY,
            DUPLICATE_KEY,
            TRUNCATE,
            FLIP_BYTE,
            INSERT_BYTE
        }

        static Arbitrary<Mutation> arbitrary() {
            return Combinators.combine(
                            Arbitraries.of(Op.class),
                            Arbitraries.integers().between(0, 10_000),
                            nastyValues(),
                            Arbitraries.bytes())
                    .as(Mutation::new);
        }

        static byte[] applyAll(List<Mutation> mutations, JsonNode sample) {
            JsonNode tree = sample.deepCopy();
            List<Mutation> onBytes = new ArrayList<>();
            for (Mutation m : mutations) {
                if (m.op.ordinal() >= Op.TRUNCATE.ordinal()) {
                    onBytes.add(m);
                } else {
                    tree = m.applyTo(tree);
                }
            }
            String text;
            try {
                text = WireSamples.MAPPER.writeValueAsString(tree);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] bytes =
                    escapeLoneSurrogates(text).replace("\\u0001dup\"", "\"").getBytes(StandardCharsets.UTF_8);
            for (Mutation m : onBytes) {
                bytes = m.applyTo(bytes);
            }
            return bytes;
        }

        /** JSON text with each unpaired surrogate (only ever inside a string) written as its escape. */
        private static String escapeLoneSurrogates(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean paired = Character.isHighSurrogate(c)
                        ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
                        : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
                if (Character.isSurrogate(c) && !paired) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private JsonNode applyTo(JsonNode root) {
            List<Slot> slots = new ArrayList<>();
            collect(root, slots);
            if (op == Op.REPLACE && at % (slots.size() + 1) == 0) {
                return value.deepCopy();
            }
            if (op == Op.WRAP_IN_ARRAY && slots.isEmpty()) {
                return JSON.arrayNode().add(root);
            }
            if (slots.isEmpty()) {
                return root;
            }
            Slot slot = slots.get(at % slots.size());
            switch (op) {
                case REMOVE -> slot.remove();
                case SET_NULL -> slot.set(JSON.nullNode());
                case REPLACE -> slot.set(value.deepCopy());
                case ADD_UNKNOWN -> {
                    JsonNode target = slot.get();
                    if (target instanceof ObjectNode object) {
                        object.set("unknown_" + at, value.deepCopy());
                    } else if (target instanceof ArrayNode array) {
                        array.add(value.deepCopy());
                    } else {
                        slot.set(JSON.objectNode().set("unknown", target));
                    }
                }
                case WRAP_IN_ARRAY -> slot.set(JSON.arrayNode().add(slot.get()));
                case DUPLICATE_KEY -> {
                    // A second occurrence of a key is made in the text: a tree cannot hold one.
                    if (slot.parent instanceof ObjectNode object && slot.key != null) {
                        object.set(slot.key + "\u0001dup", value.deepCopy());
                    }
                }
                default -> throw new IllegalStateException(op.name());
            }
            return root;
        }

        private byte[] applyTo(byte[] bytes) {
            if (bytes.length == 0) {
                return new byte[] {octet};
            }
            int i = at % bytes.length;
            return switch (op) {
                case TRUNCATE -> Arrays.copyOf(bytes, i);
                case FLIP_BYTE -> {
                    byte[] copy = bytes.clone();
                    copy[i] = (byte) (copy[i] ^ (octet == 0 ? 0x20 : octet));
                    yield copy;
                }
                case INSERT_BYTE -> {
                    byte[] copy = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, copy, 0, i);
                    copy[i] = octet;
                    System.arraycopy(bytes, i, copy, i + 1, bytes.length - i);
                    yield copy;
                }
                default -> throw new IllegalStateException(op.name());
            };
        }

        private static void collect(JsonNode node, List<Slot> slots) {
            if (node instanceof ObjectNode object) {
                for (String key : List.copyOf(
                        object.properties().stream().map(Map.Entry::getKey).toList())) {
                    slots.add(new Slot(object, key, -1));
                    collect(object.get(key), slots);
                }
            } else if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    slots.add(new Slot(array, null, i));
                    collect(array.get(i), slots);
                }
            }
        }
    }

    /** A place in a tree: a key of an object or an index of an array. */
    private record Slot(JsonNode parent, @Nullable String key, int index) {
        JsonNode get() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode value) {
            if (key != null) {
                ((ObjectNode) parent).set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (key != null) {
                ((ObjectNode) parent).remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }
}
