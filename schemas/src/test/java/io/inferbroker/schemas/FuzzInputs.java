package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of the deserializer fuzz tests ({@link WireSerdesFuzzTest}, and in other modules the
 * tests of serdes that read a topic their own way): arbitrary bytes, and valid samples of a topic's
 * records changed by {@linkplain Mutation mutations}. Other modules get these from schemas' test-jar.
 */
public final class FuzzInputs {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FuzzInputs() {}

    /**
     * A valid value of the topic as a tree: {@code full} sets every optional field, otherwise every
     * optional field is left out (see {@link WireSamples}). A new tree each call.
     */
    public static JsonNode sample(Topic topic, boolean full) {
        return WireSamples.MAPPER.valueToTree(full ? WireSamples.full(topic) : WireSamples.minimal(topic));
    }

    /**
     * Arbitrary bytes: raw bytes, text of JSON's own characters (brackets, quotes, digits, literals,
     * escapes, NUL, a surrogate pair), and a few fixed values at the edges (empty, a bare literal,
     * nesting thousands deep, a string of 200,000 characters).
     */
    public static Arbitrary<byte[]> bytes() {
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

    /** One to four {@linkplain Mutation mutations}, applied in turn by {@link Mutation#applyAll}. */
    public static Arbitrary<List<Mutation>> mutations() {
        return Mutation.arbitrary().list().ofMinSize(1).ofMaxSize(4);
    }

    /** Values that break records in every way a JSON value can: wrong types, odd text, extremes. */
    public static Arbitrary<JsonNode> nastyValues() {
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
        Arbitrary<JsonNode> deep = Arbitraries.integers().between(1, 1500).map(FuzzInputs::nested);
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
    public record Mutation(Op op, int at, JsonNode value, byte octet) {
        /** What a mutation does; the last three work on the written bytes, the others on the tree. */
        public enum Op {
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

        /** Any one mutation. */
        public static Arbitrary<Mutation> arbitrary() {
            return Combinators.combine(
                            Arbitraries.of(Op.class),
                            Arbitraries.integers().between(0, 10_000),
                            nastyValues(),
                            Arbitraries.bytes())
                    .as(Mutation::new);
        }

        /**
         * The bytes of {@code sample} with {@code mutations} applied: first those on the tree, in
         * order, then those on the written bytes. {@code sample} is left as it was.
         */
        public static byte[] applyAll(List<Mutation> mutations, JsonNode sample) {
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
