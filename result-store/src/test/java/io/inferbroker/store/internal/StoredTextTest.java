package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.WireJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StoredTextTest {
    private static final String S = "\uE000";
    private static final String NUL = "\u0000";
    /** Characters the encoding must tell apart, with a surrogate pair and the replacement character. */
    private static final String[] PIECES = {
        S, NUL, "0", "1", "a", "\\", "\"", "\\u0000", "\uD83D\uDE00", "\uD83D", "\uFFFD", "\n", "é"
    };

    private final ObjectMapper mapper = WireJson.newMapper();

    static Stream<String> texts() {
        Stream<String> chosen = Stream.of(
                "",
                "plain",
                NUL,
                S,
                S + "0",
                S + "1",
                S + S,
                NUL + S + "0" + S + "1" + NUL,
                S + NUL + "1",
                "end " + S,
                "emoji \uD83D\uDE00 " + NUL + " \uD83D\uDE00" + S,
                "lone high \uD83D" + NUL + " lone low \uDE00",
                "\\u0000 is text, " + NUL + " is not");
        Random random = new Random(14);
        Stream<String> generated = IntStream.range(0, 500).mapToObj(i -> {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(12);
            for (int p = 0; p < pieces; p++) {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            return text.toString();
        });
        return Stream.concat(chosen, generated);
    }

    @ParameterizedTest
    @MethodSource("texts")
    void shouldReadBackExactlyTheTextItEncodedWhichHoldsNoNul(String text) {
        String stored = StoredText.encode(text);

        assertThat(stored).doesNotContain(NUL);
        assertThat(StoredText.decode(stored)).isEqualTo(text);
    }

    @ParameterizedTest
    @MethodSource("texts")
    void shouldReadBackExactlyTheJsonStringsAndKeysItEncodedWhichHoldNoEscapedNul(String text) throws Exception {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("text", text).put(text + "key", 1.25).putArray("list").add(text).add(12345);
        String json = mapper.writeValueAsString(doc);

        String stored = StoredText.encodeJson(json);

        assertThat(stored).doesNotContain(NUL);
        assertThat(strings(mapper.readTree(stored))).noneMatch(s -> s.contains(NUL));
        assertThat(StoredText.decodeJson(stored))
                .as("Jackson writes the escape character raw")
                .isEqualTo(json);
        JsonNode back = mapper.readTree(StoredText.decodeJson(stored));
        assertThat(strings(back)).isEqualTo(strings(doc));
        assertThat(back.get("text").asText()).isEqualTo(text);
    }

    /** The keys and string values of {@code node}, at any depth. */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.properties().forEach(field -> out.add(field.getKey()));
        node.forEach(child -> out.addAll(strings(child)));
        return out;
    }

    @Test
    void shouldWriteTheEscapeCharacterAsAPairAndNulAsTheOther() {
        assertThat(StoredText.encode("a" + NUL + "b" + S + "c")).isEqualTo("a" + S + "0b" + S + "1c");
        assertThat(StoredText.encodeJson("{\"t\":\"a\\u0000b" + S + "c\\uE000\"}"))
                .isEqualTo("{\"t\":\"a" + S + "0b" + S + "1c" + S + "1\"}");
    }

    @Test
    void shouldReturnTextWithoutNulOrEscapeCharacterAsItIs() {
        String text = "ordinary output, \"quoted\" \\ and \u00e9";
        String json = "{\"text\":\"ordinary \\n \\\\u0001 \\u001f\",\"n\":1.50}";

        assertThat(StoredText.encode(text)).isSameAs(text);
        assertThat(StoredText.decode(text)).isSameAs(text);
        assertThat(StoredText.encodeJson(json)).isSameAs(json);
        assertThat(StoredText.decodeJson(json)).isSameAs(json);
    }

    @Test
    void shouldKeepAnEscapedBackslashFollowedByU0000AsText() throws Exception {
        String text = "a\\u0000b\\" + NUL;
        String json =
                mapper.writeValueAsString(JsonNodeFactory.instance.objectNode().put("text", text));

        String stored = StoredText.encodeJson(json);

        assertThat(mapper.readTree(StoredText.decodeJson(stored)).get("text").asText())
                .isEqualTo(text);
    }

    @Test
    void shouldReadAnEscapeCharacterStoredBeforeTheEncodingAsItIsWhenNoPairFollows() {
        assertThat(StoredText.decode("old " + S + "x and " + S)).isEqualTo("old " + S + "x and " + S);
    }

    @Test
    void shouldReplaceNulInIdentifiers() {
        assertThat(StoredText.replaceNul("a" + NUL + "b" + NUL)).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(StoredText.replaceNul("plain")).isEqualTo("plain");
    }
}
