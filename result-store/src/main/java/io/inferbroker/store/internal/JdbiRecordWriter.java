package io.inferbroker.store.internal;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link RecordWriter} running a {@link JobWriter} and then the {@link DeliveryPlanner} in one Jdbi
 * transaction per batch: a transition and the webhook messages it calls for are stored together.
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
        Set<String> jobs = new LinkedHashSet<>();
        for (Decoded d : batch) {
            if (!(d instanceof Decoded.Poison)) {
                jobs.add(d.jobId());
            }
        }
        jdbi.useTransaction(handle -> {
            writer.write(handle, batch);
            planner.plan(handle, jobs, clock.instant());
        });
    }
}
