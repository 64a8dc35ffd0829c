package io.inferbroker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Odd text and values, and the ways they go on the wire. */
final class Texts {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Texts() {}

    static Arbitrary<String> nasty() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(24),
                Arbitraries.of(
                        "",
                        "\u0000",
                        "a\u0000b",
                        "\ud800",
                        "\udfffx",
                        "\ue000",
                        "💥",
                        "%00",
                        "%2F",
                        "%2f..%2f",
                        "..",
                        "%2e%2e",
                        "%",
                        "%zz",
                        "%C0%AF",
                        "%FF%FE",
                        "%ED%A0%80",
                        "a/b",
                        "?",
                        "#",
                        ";x=1",
                        " ",
                        "null",
                        "-1",
                        "0",
                        "1.5",
                        "1e999",
                        "99999999999999999999999",
                        "NaN",
                        "true",
                        "[]",
                        "{}",
                        "wait",
                        "wait=abc",
                        "wait=-1",
                        "wait=99999999999999999999",
                        "respond-async, wait=1",
                        "1.2.3",
                        "99999999999999999999.1",
                        "application/json; charset=utf-16",
                        "application/json;charset=iso-8859-1",
                        "text/plain",
                        "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded",
                        "*/*",
                        "text/event-stream",
                        "x".repeat(3000),
                        "y".repeat(70_000)));
    }

    static Arbitrary<JsonNode> jsonValues() {
        Arbitrary<JsonNode> strings = nasty().map(s -> (JsonNode) JSON.textNode(s));
        Arbitrary<JsonNode> numbers = Arbitraries.of(
                JSON.numberNode(0),
                JSON.numberNode(-1),
                JSON.numberNode(Integer.MAX_VALUE + 1L),
                JSON.numberNode(Long.MIN_VALUE),
                JSON.numberNode(new BigInteger("9".repeat(400))),
                JSON.numberNode(new BigDecimal("1.5")),
                JSON.numberNode(new BigDecimal("1E+400")),
                JSON.numberNode(new BigDecimal("-1E-400")));
        Arbitrary<JsonNode> shapes = Arbitraries.of(
                JSON.nullNode(),
                JSON.booleanNode(true),
                JSON.objectNode(),
                JSON.arrayNode(),
                JSON.arrayNode().add(JSON.nullNode()),
                JSON.objectNode().put("unknown", 1),
                nested(200),
                nested(900));
        return Arbitraries.oneOf(strings, numbers, shapes);
    }

    private static JsonNode nested(int depth) {
        JsonNode node = JSON.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? JSON.arrayNode().add(node) : JSON.objectNode().set("n", node);
        }
        return node;
    }

    /** UTF-8, with an unpaired surrogate as the three bytes it would take (not valid UTF-8). */
    static byte[] utf8(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.writeBytes(text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                out.write(0xE0 | (c >> 12));
                out.write(0x80 | ((c >> 6) & 0x3F));
                out.write(0x80 | (c & 0x3F));
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** JSON text with each unpaired surrogate written as its escape. */
    static String escapeLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Every byte percent-encoded. */
    static String encodeAll(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : utf8(text)) {
            out.append(String.format("%%%02X", b & 0xFF));
        }
        return out.toString();
    }

    /**
     * For a path segment or query value: every byte percent-encoded, or (odd {@code at}) as given
     * where the request line allows it, so {@code %00} and {@code %zz} go as they are.
     */
    static String encode(String text, int at) {
        if (at % 2 == 0) {
            return encodeAll(text);
        }
        StringBuilder out = new StringBuilder();
        for (byte b : utf8(text)) {
            int c = b & 0xFF;
            boolean plain = c > 0x20 && c < 0x7F && c != '#' && c != '?' && c != '/' && c != '&' && c != '=';
            out.append(plain ? String.valueOf((char) c) : String.format("%%%02X", c));
        }
        return out.toString();
    }

    /** A header value: ISO-8859-1 as it goes on the wire, with line breaks (framing) made spaces. */
    static String latin1(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    static String clip(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "...(" + text.length() + " chars)" : text;
    }
}
