package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiterString = " => ",
            value = {
                // 13 characters: 4 tokens, plus the default 16 completion tokens
                "{'messages':[{'role':'user','content':'Hello, world!'}]} => 20",
                // content parts: 8 + 4 characters over two messages, and max_tokens
                "{'messages':[{'role':'system','content':'Be brief'},"
                        + "{'role':'user','content':[{'type':'text','text':'Why?'}]}],'max_tokens':100} => 103",
                "{'messages':[{'role':'user','content':null}],'max_completion_tokens':7} => 7",
                "{'prompt':'Once upon a time','max_tokens':0} => 4",
                "{'prompt':['abcd','abcde']} => 19",
                // embeddings generate nothing; token-id lists count one per id
                "{'input':'twelve chars'} => 3",
                "{'input':[[1,2,3],[4]]} => 4",
                // a generic input counts its JSON text: {"x":1} is 7 characters
                "{'x':1} => 18",
            })
    void shouldChargePromptCharactersOverFourPlusCompletionTokens(String body, long expected) throws Exception {
        JsonNode json = MAPPER.readTree(body.replace('\'', '"'));

        assertThat(TokenEstimate.of(json)).isEqualTo(expected);
    }
}
