package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class FailureKindTest {

    @Test
    void shouldTreatRejectedDataAsPermanent() {
        assertThat(FailureKind.of(wrapped(new SQLException("duplicate key", "23505"))))
                .isEqualTo(FailureKind.DATA);
        assertThat(FailureKind.of(wrapped(new SQLException("unsupported Unicode escape sequence", "22P05"))))
                .isEqualTo(FailureKind.DATA);
        assertThat(FailureKind.DATA.isPermanent()).isTrue();
    }

    @Test
    void shouldFindTheRealErrorBehindABatchFailure() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", "22P02", new int[0]);
        batch.setNextException(new SQLException("invalid input syntax for type json", "22P02"));
        BatchUpdateException opaque = new BatchUpdateException("Batch entry 0 was aborted", null, new int[0]);
        opaque.setNextException(new SQLException("null value in column", "23502"));

        assertThat(FailureKind.of(wrapped(batch))).isEqualTo(FailureKind.DATA);
        assertThat(FailureKind.of(wrapped(opaque))).isEqualTo(FailureKind.DATA);
    }

    @Test
    void shouldTreatLostConnectionsAsUnavailable() {
        assertThat(FailureKind.of(wrapped(new SQLException("Connection refused", "08001"))))
                .isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(wrapped(new SQLException("terminating connection", "57P01"))))
                .isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(wrapped(new SQLTransientConnectionException("pool timed out"))))
                .isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.UNAVAILABLE.isPermanent()).isFalse();
    }

    @Test
    void shouldRetryEverythingElse() {
        assertThat(FailureKind.of(wrapped(new SQLException("deadlock detected", "40P01"))))
                .isEqualTo(FailureKind.OTHER);
        assertThat(FailureKind.of(wrapped(new SQLException("relation \"jobs\" does not exist", "42P01"))))
                .isEqualTo(FailureKind.OTHER);
        assertThat(FailureKind.of(new IllegalStateException("no SQL in here"))).isEqualTo(FailureKind.OTHER);
        assertThat(FailureKind.OTHER.isPermanent()).isFalse();
    }

    private static RuntimeException wrapped(SQLException e) {
        return new RuntimeException("statement failed", e);
    }
}
