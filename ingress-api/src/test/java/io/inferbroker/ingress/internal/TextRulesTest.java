package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextRulesTest {
    @Test
    void shouldRefuseEveryControlCharacterAndNameIt() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(TextRules.refusal("a" + c)).as("U+%04X", (int) c).contains("control characters");
        }
        for (char c = 0x7f; c <= 0x9f; c++) {
            assertThat(TextRules.refusal("a" + c)).as("U+%04X", (int) c).contains("control characters");
        }
        assertThat(TextRules.refusal("ab\u0000"))
                .isEqualTo("must not contain control characters (U+0000 at character 2)");
    }

    @Test
    void shouldRefuseUnpairedSurrogatesOnly() {
        assertThat(TextRules.refusal("x\ud800")).contains("unpaired surrogate (U+D800 at character 1)");
        assertThat(TextRules.refusal("\udc00x")).contains("unpaired surrogate (U+DC00 at character 0)");
        assertThat(TextRules.refusal("\ud800\ud800\udc00")).contains("U+D800 at character 0");
        assertThat(TextRules.refusal("\ud83d\ude80 rocket")).isNull();
        assertThat(TextRules.refusal("grüße, ünïcødé, 日本語, \u00a0nbsp, \ufffd")).isNull();
        assertThat(TextRules.refusal("")).isNull();
    }

    @Test
    void shouldAddTheErrorAtItsPointer() {
        List<Problem.FieldError> errors = new ArrayList<>();
        assertThat(TextRules.check("fine", "/name", errors)).isTrue();
        assertThat(TextRules.check("bad\u0007", "/name", errors)).isFalse();
        assertThat(errors).extracting(Problem.FieldError::pointer).containsExactly("/name");
    }
}
