package io.inferbroker.replay;

import io.inferbroker.replay.internal.CostWriter;
import io.inferbroker.replay.internal.DeadLetterWriter;
import io.inferbroker.replay.internal.TrailWriter;
import io.inferbroker.schemas.DeadLetter;
import java.util.List;

/**
 * Writes replay outcomes in the formats they support: cost reports as table, CSV, JSON or HTML;
 * audits as table or JSON lines; reconciliations as table or JSON. Stateless.
 */
public final class ReportWriters {
    private ReportWriters() {}

    public static void cost(CostReport report, ReportFormat format, Appendable out) {
        CostWriter.write(report, format, out);
    }

    /** @throws IllegalArgumentException for CSV or HTML */
    public static void audit(AuditTrail trail, ReportFormat format, Appendable out) {
        TrailWriter.audit(trail, format, out);
    }

    /** @throws IllegalArgumentException for CSV or HTML */
    public static void deadLetters(List<DeadLetter> letters, ReportFormat format, Appendable out) {
        DeadLetterWriter.write(letters, format, out);
    }

    /** @throws IllegalArgumentException for CSV or HTML */
    public static void reconciliation(Reconciliation reconciliation, ReportFormat format, Appendable out) {
        TrailWriter.reconciliation(reconciliation, format, out);
    }
}
