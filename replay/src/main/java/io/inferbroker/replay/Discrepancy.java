package io.inferbroker.replay;

/**
 * One way the result store disagrees with the topics.
 *
 * @param detail what differs, with both values where there are two
 */
public record Discrepancy(Kind kind, String jobId, String tenantId, String detail) {

    /** What kind of disagreement. */
    public enum Kind {
        /** The topic holds a terminal result the store does not show. */
        MISSING_RESULT,
        /** The cost recomputed from the raw events differs from the one recorded (in the result or the store). */
        COST_MISMATCH,
        /** More than one terminal result exists for the job. */
        DUPLICATE_TERMINAL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
