package io.inferbroker.store.internal;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** {@link RecordWriter} running a {@link JobWriter} in one Jdbi transaction per batch. Thread-safe. */
public final class JdbiRecordWriter implements RecordWriter {
    private final Jdbi jdbi;
    private final JobWriter writer;

    public JdbiRecordWriter(Jdbi jdbi, JobWriter writer) {
        this.jdbi = jdbi;
        this.writer = writer;
    }

    @Override
    public void write(List<Decoded> batch) {
        jdbi.useTransaction(handle -> writer.write(handle, batch));
    }
}
