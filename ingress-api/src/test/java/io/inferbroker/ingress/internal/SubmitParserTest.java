package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request bodies whose text could not be kept as sent are refused, naming where. */
class SubmitParserTest {
    private final SubmitParser parser = new SubmitParser(new ObjectMapper(), List.of());

    @Test
    void shouldRefuseAnUnpairedSurrogateInAStringNamingIt() {
        ProblemException e = refused("{\"model\":\"m\",\"input\":{\"list\":[\"ok\",\"a\\ud800b\"]}}");

        assertThat(e.problem().status()).isEqualTo(422);
        assertThat(e.problem().errors()).extracting(Problem.FieldError::pointer).containsExactly("/input/list/1");
    }

    @Test
    void shouldRefuseAnUnpairedSurrogateInAName() {
        ProblemException e = refused("{\"input\":{\"x\\udc00\":1}}");

        assertThat(e.problem().status()).isBetween(400, 422);
    }

    @Test
    void shouldNameAParserLimitWithoutNamingTheParser() {
        ProblemException name = refused("{\"" + "n".repeat(60_000) + "\":1}");
        ProblemException depth = refused("[".repeat(1_100) + "]".repeat(1_100));

        assertThat(name.problem().status()).isEqualTo(400);
        assertThat(name.problem().detail()).isEqualTo("Name length (60000) exceeds the maximum allowed (50000)");
        assertThat(depth.problem().detail())
                .isEqualTo("Document nesting depth (1001) exceeds the maximum allowed (1000)");
    }

    @Test
    void shouldKeepAPairedSurrogateAndANul() {
        var tree = parser.readJson(utf8("{\"t\":\"\\ud83d\\udca5 \\u0000 \ud83d\udca5\"}"));

        assertThat(tree.get("t").asText()).isEqualTo("\ud83d\udca5 \u0000 \ud83d\udca5");
    }

    private ProblemException refused(String body) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> parser.readJson(utf8(body)));
        assertThat(e).as("refused: %s", body).isNotNull();
        return e;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
