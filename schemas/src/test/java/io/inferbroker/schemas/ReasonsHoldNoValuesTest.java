package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Why a value cannot be read is logged and kept as a dead letter's reason, so it names the fault
 * and its place but quotes nothing of the value, which may be a tenant's prompt.
 */
class ReasonsHoldNoValuesTest {
    private static final String PROMPT = "PROMPTsunflowerSECRET";

    @Test
    void shouldNotQuoteAValueThatIsNotJson() {
        Throwable e = read((PROMPT + " and more").getBytes(StandardCharsets.UTF_8));

        assertThat(e).hasMessageContaining("is not valid JSON at line 1, column 1");
        assertNoQuote(e);
    }

    @Test
    void shouldNotQuoteAValueCutShort() {
        Throwable e = read(("{\"model\":\"" + PROMPT).getBytes(StandardCharsets.UTF_8));

        assertThat(e).hasMessageContaining("is not valid JSON");
        assertNoQuote(e);
    }

    @Test
    void shouldNameAFieldOfTheWrongTypeWithoutItsValue() throws IOException {
        ObjectNode request = (ObjectNode)
                WireSamples.MAPPER.readTree(WireSamples.write(Topic.REQUESTS, WireSamples.full(Topic.REQUESTS)));
        request.put("priority", PROMPT);
        request.put("kind", PROMPT);

        Throwable e = read(WireSamples.MAPPER.writeValueAsBytes(request));

        assertThat(e).isInstanceOf(ContractViolationException.class);
        assertThat(((ContractViolationException) e).reason()).matches("(priority|kind) is invalid: not a valid \\w+");
        assertNoQuote(e);
    }

    private static Throwable read(byte[] value) {
        Throwable e = catchThrowable(() -> WireSerdes.JOB_REQUESTED.deserialize("inference.requests", value));
        assertThat(e).isNotNull();
        return e;
    }

    /** Neither the message nor any cause's, nor a dead letter's reason, holds the value's text. */
    private static void assertNoQuote(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("sunflower");
        }
        DeadLetter letter = DeadLetter.of(
                ConsumerRole.STORE,
                "inference.requests",
                0,
                0,
                null,
                PROMPT.getBytes(StandardCharsets.UTF_8),
                (Exception) e,
                java.time.Instant.EPOCH);
        assertThat(letter.reason()).doesNotContain("sunflower");
    }
}
