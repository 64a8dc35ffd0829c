package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.store.api.StoreUnavailableException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {

    @Test
    void shouldReportTheServerErrorInsteadOfTheBatchStatementWithItsValues() {
        BatchUpdateException batch = new BatchUpdateException(
                "Batch entry 0 insert into jobs values ('secret output') was aborted", "42P01", new int[0]);
        batch.setNextException(new SQLException("ERROR: relation \"jobs\" does not exist", "42P01"));

        String reason = StoreErrors.reason(new RuntimeException("wrapped", batch));

        assertThat(reason).isEqualTo("ERROR: relation \"jobs\" does not exist");
    }

    @Test
    void shouldCallALostConnectionUnavailable() {
        RuntimeException e = new RuntimeException(new SQLException("Connection to db:5432 refused", "08001"));

        assertThat(StoreErrors.translate("cannot read job j1", e, "db:5432/broker"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("cannot read job j1: PostgreSQL at db:5432/broker is unavailable: "
                        + "Connection to db:5432 refused");
    }
}
