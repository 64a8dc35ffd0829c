package io.inferbroker.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {
    @Test
    void shouldDrawEventsReadOfTheTotalWithRate() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReplayProgress bar = ReplayProgress.bar(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        bar.start(2000);
        bar.advance(500);
        bar.advance(1500);
        bar.finish();

        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains("replay", "2000/2000", "events");
    }
}
