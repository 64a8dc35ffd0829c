package io.inferbroker.replay.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.replay.SkippedRecords;
import java.io.IOException;

/** How every report writes the records its replay skipped: nothing when none were. */
final class SkippedLines {
    private SkippedLines() {}

    static void text(SkippedRecords skipped, Appendable out) throws IOException {
        if (skipped.count() == 0) {
            return;
        }
        out.append(Long.toString(skipped.count()))
                .append(
                        skipped.count() == 1
                                ? " record could not be read and was skipped"
                                : " records could not be read and were skipped")
                .append(skipped.count() > skipped.first().size() ? "; the first:" : ":")
                .append('\n');
        for (String where : skipped.first()) {
            out.append("  ").append(where).append('\n');
        }
    }

    /** Adds {@code skipped_records} to {@code node} when records were skipped. */
    static void json(SkippedRecords skipped, ObjectNode node) {
        if (skipped.count() == 0) {
            return;
        }
        ObjectNode n = node.putObject("skipped_records");
        n.put("count", skipped.count());
        skipped.first().forEach(n.putArray("first")::add);
    }
}
