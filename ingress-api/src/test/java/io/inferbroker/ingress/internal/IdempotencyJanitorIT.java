package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.store.IdempotencyStore;
import io.inferbroker.store.StoreConfig;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class IdempotencyJanitorIT {
    private PostgresInfra pg;
    private StoreDatabase db;

    @BeforeEach
    void open(PostgresInfra pg) {
        this.pg = pg;
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldDeleteExpiredClaimsInBatchesAndKeepLiveOnes() throws SQLException {
        int expired = IdempotencyJanitor.BATCH * 2 + 7;
        execute("insert into idempotency_keys (tenant_id, key, request_hash, job_id, job, created_at)"
                + " select 'ten_a', 'old-' || n, 'h', 'job-' || n, '{}', now() - interval '25 hours'"
                + " from generate_series(1, " + expired + ") n");
        var live = db.idempotency()
                .claim("ten_a", "live", "h", "job-live", JsonNodeFactory.instance.objectNode(), new byte[0]);
        assertThat(live).isInstanceOf(IdempotencyStore.Claim.Claimed.class);

        try (var janitor = new IdempotencyJanitor(db.idempotency())) {
            assertThat(janitor.runOnce()).isEqualTo(expired);
            assertThat(janitor.runOnce()).isZero();
        }

        assertThat(count("select count(*) from idempotency_keys")).isEqualTo(1);
        assertThat(db.idempotency()
                        .claim("ten_a", "live", "h", "job-2", JsonNodeFactory.instance.objectNode(), new byte[0]))
                .isInstanceOf(IdempotencyStore.Claim.Repeat.class);
    }

    @Test
    void shouldSurviveAnUnreachableDatabaseAndTryAgainLater() {
        try (var janitor = new IdempotencyJanitor(db.idempotency())) {
            db.close();

            assertThat(janitor.runOnce()).isZero();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private int count(String sql) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
