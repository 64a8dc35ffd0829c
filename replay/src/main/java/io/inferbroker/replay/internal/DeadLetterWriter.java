package io.inferbroker.replay.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.replay.ReportFormat;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.WireJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes dead letters as a table (when, role, where, why) or as JSON lines (the whole values). */
public final class DeadLetterWriter {
    private static final ObjectMapper JSON = WireJson.newMapper();

    private DeadLetterWriter() {}

    /** @throws IllegalArgumentException for CSV or HTML */
    public static void write(List<DeadLetter> letters, ReportFormat format, Appendable out) {
        if (format == ReportFormat.TABLE) {
            table(letters, out);
        } else if (format == ReportFormat.JSON) {
            jsonLines(letters, out);
        } else {
            throw new IllegalArgumentException("dead letters are written as table or json, not "
                    + format.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static void table(List<DeadLetter> letters, Appendable out) {
        TextTable table = new TextTable(List.of("at", "role", "topic", "partition", "offset", "reason"));
        for (DeadLetter l : letters) {
            table.add(List.of(
                    l.at().toString(),
                    l.role().wireName(),
                    l.topic(),
                    Integer.toString(l.partition()),
                    Long.toString(l.offset()),
                    l.reason()));
        }
        table.write(out);
    }

    private static void jsonLines(List<DeadLetter> letters, Appendable out) {
        try {
            for (DeadLetter l : letters) {
                out.append(JSON.writeValueAsString(l)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
