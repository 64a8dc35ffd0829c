package io.inferbroker.store.internal;

import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link RecordWriter} running a {@link JobWriter} and then the {@link DeliveryPlanner} on the rows it
 * wrote, in one Jdbi transaction per batch: a transition and the webhook messages it calls for are
 * stored together.
 * Thread-safe.
 */
public final class JdbiRecordWriter implements RecordWriter {
    private final Jdbi jdbi;
    private final JobWriter writer;
    private final DeliveryPlanner planner;
    private final Clock clock;

    public JdbiRecordWriter(Jdbi jdbi, JobWriter writer, DeliveryPlanner planner, Clock clock) {
        this.jdbi = jdbi;
        this.writer = writer;
        this.planner = planner;
        this.clock = clock;
    }

    @Override
    public void write(List<Decoded> batch) {
        jdbi.useTransaction(handle -> planner.plan(handle, writer.write(handle, batch), clock.instant()));
    }
}
