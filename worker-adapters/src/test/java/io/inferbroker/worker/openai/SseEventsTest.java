package io.inferbroker.worker.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventsTest {

    private static List<String> events(String wire) throws IOException {
        SseEvents events = new SseEvents(new BufferedReader(new StringReader(wire)));
        List<String> out = new ArrayList<>();
        for (String data = events.next(); data != null; data = events.next()) {
            out.add(data);
        }
        return out;
    }

    @Test
    void shouldReadDataOfEventsEndedByBlankLinesWhateverTheLineEnds() throws IOException {
        assertThat(events("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: [DONE]\n\n"))
                .containsExactly("a", "b", "c", "[DONE]");
    }

    @Test
    void shouldSkipCommentsAndOtherFields() throws IOException {
        assertThat(events(": ping\n\nevent: message\nid: 7\nretry: 100\ndata: {\"x\":1}\n\n: bye\n\n"))
                .containsExactly("{\"x\":1}");
    }

    @Test
    void shouldJoinDataLinesAndAcceptNoSpaceAfterTheColon() throws IOException {
        assertThat(events("data:one\ndata: two\n\n")).containsExactly("one\ntwo");
    }

    @Test
    void shouldKeepALastEventWithoutItsBlankLine() throws IOException {
        assertThat(events("data: a\n\ndata: [DONE]")).containsExactly("a", "[DONE]");
    }

    @Test
    void shouldIgnoreLinesThatOnlyStartLikeData() throws IOException {
        assertThat(events("database: x\ndata: y\n\n")).containsExactly("y");
    }
}
