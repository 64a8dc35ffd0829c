package io.inferbroker.store.internal;

import java.util.List;

/** Stores a batch of decoded records atomically: all of them, or (by throwing) none. */
@FunctionalInterface
public interface RecordWriter {

    /**
     * Writes the batch in one transaction.
     *
     * @throws RuntimeException when nothing was written; {@link FailureKind#of} tells whether retrying can help
     */
    void write(List<Decoded> batch);
}
