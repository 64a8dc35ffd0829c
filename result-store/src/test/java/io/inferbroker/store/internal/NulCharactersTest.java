package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.WireJson;
import org.junit.jupiter.api.Test;

class NulCharactersTest {
    private final ObjectMapper mapper = WireJson.newMapper();

    @Test
    void shouldReplaceNulInText() {
        assertThat(NulCharacters.replaceIn("a\u0000b\u0000")).isEqualTo("a\uFFFDb\uFFFD");
        assertThat(NulCharacters.replaceIn("plain")).isEqualTo("plain");
    }

    @Test
    void shouldReplaceEscapedNulInJsonButNotAnEscapedBackslashFollowedByU0000() throws Exception {
        String json = mapper.writeValueAsString(
                JsonNodeFactory.instance.objectNode().put("text", "a\u0000b \\u0000 c\\\u0000"));

        String replaced = NulCharacters.replaceInJson(json);

        assertThat(mapper.readTree(replaced).get("text").asText()).isEqualTo("a\uFFFDb \\u0000 c\\\uFFFD");
    }
}
