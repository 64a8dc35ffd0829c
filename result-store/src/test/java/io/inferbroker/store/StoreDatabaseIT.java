package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.store.api.IssuedKey;
import io.inferbroker.store.api.Principal;
import io.inferbroker.store.api.StoreUnavailableException;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class StoreDatabaseIT {
    private PostgresInfra pg;
    private StoreDatabase db;

    @BeforeEach
    void open(PostgresInfra pg) {
        this.pg = pg;
        this.db = StoreDatabase.open(config(pg.schema()), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldMigrateIntoTheConfiguredSchemaAndReopenWithoutChanges() throws SQLException {
        assertThat(tables(pg.schema())).contains("tenants", "api_keys", "jobs", "job_results", "flyway_schema_history");
        String applied = "select count(*) from " + pg.schema() + ".flyway_schema_history where success";
        int migrations = count(applied);

        try (StoreDatabase again = StoreDatabase.open(config(pg.schema()), new SimpleMeterRegistry())) {
            assertThat(again.isHealthy()).isTrue();
        }
        assertThat(migrations).isPositive();
        assertThat(count(applied)).isEqualTo(migrations);
    }

    @Test
    void shouldCreateAMissingSchema() throws SQLException {
        String fresh = pg.schema() + "_fresh";

        try (StoreDatabase other = StoreDatabase.open(config(fresh), new SimpleMeterRegistry())) {
            String tenant = other.apiKeys().createTenant("acme");
            assertThat(count("select count(*) from " + fresh + ".tenants where id = '" + tenant + "'"))
                    .isEqualTo(1);
        }
        assertThat(count("select count(*) from " + pg.schema() + ".tenants")).isZero();
    }

    @Test
    void shouldAuthenticateAnIssuedKeyAsItsTenant() {
        String tenant = db.apiKeys().createTenant("acme");

        IssuedKey key = db.apiKeys().issueKey(tenant);

        assertThat(tenant).startsWith("ten_");
        assertThat(key.keyId()).startsWith("key_");
        assertThat(key.secret()).startsWith("ib_").hasSize(3 + 43);
        assertThat(db.apiKeys().authenticate(key.secret())).contains(new Principal(tenant, key.keyId()));
        assertThat(db.apiKeys().authenticate(key.secret() + "x")).isEmpty();
        assertThat(db.apiKeys().authenticate("")).isEmpty();
    }

    @Test
    void shouldStoreOnlyTheHashOfASecret() throws SQLException {
        IssuedKey key = db.apiKeys().issueKey(db.apiKeys().createTenant("acme"));

        assertThat(count("select count(*) from " + pg.schema() + ".api_keys where key_hash = sha256(convert_to('"
                        + key.secret() + "', 'UTF8'))"))
                .isEqualTo(1);
    }

    @Test
    void shouldRefuseAKeyForAnUnknownTenant() {
        assertThatThrownBy(() -> db.apiKeys().issueKey("ten_missing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ten_missing");
    }

    @Test
    void shouldRegisterAKnownSecretIdempotently() throws SQLException {
        String tenant = db.apiKeys().createTenant("development");
        String secret = "ib_development-secret";

        db.apiKeys().registerKey(tenant, secret);
        db.apiKeys().registerKey(tenant, secret);

        assertThat(db.apiKeys().authenticate(secret))
                .hasValueSatisfying(p -> assertThat(p.tenantId()).isEqualTo(tenant));
        assertThat(count("select count(*) from " + pg.schema() + ".api_keys")).isEqualTo(1);
        assertThatThrownBy(() -> db.apiKeys().registerKey(db.apiKeys().createTenant("other"), secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another tenant");
    }

    @Test
    void shouldCreateTheTenantOfARegisteredKeyWhenMissing() {
        db.apiKeys().registerKey("ten_kept_in_a_file", "ib_kept-in-a-file");

        assertThat(db.apiKeys().authenticate("ib_kept-in-a-file"))
                .hasValueSatisfying(p -> assertThat(p.tenantId()).isEqualTo("ten_kept_in_a_file"));
    }

    @Test
    void shouldRejectARevokedKeyAndKeepItRevoked() {
        String tenant = db.apiKeys().createTenant("acme");
        IssuedKey key = db.apiKeys().issueKey(tenant);

        assertThat(db.apiKeys().revokeKey(key.keyId())).isTrue();

        assertThat(db.apiKeys().authenticate(key.secret())).isEmpty();
        assertThat(db.apiKeys().revokeKey(key.keyId())).isFalse();
        db.apiKeys().registerKey(tenant, key.secret());
        assertThat(db.apiKeys().authenticate(key.secret())).isEmpty();
    }

    @Test
    void shouldFindNothingForAnUnknownJob() {
        assertThat(db.jobs().find("ten_a", "no-such-job")).isEmpty();
    }

    @Test
    void shouldReportHealthUntilClosed() {
        assertThat(db.isHealthy()).isTrue();

        db.close();

        assertThat(db.isHealthy()).isFalse();
        db.close();
    }

    @Test
    void shouldExplainAnUnreachableDatabaseWithoutLeakingThePassword() {
        StoreConfig unreachable =
                new StoreConfig("jdbc:postgresql://127.0.0.1:1/broker", "broker", "hunter2", 2, "public");

        assertThatThrownBy(() -> StoreDatabase.open(unreachable, new SimpleMeterRegistry()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1/broker")
                .hasMessageContaining("'broker'")
                .hasMessageContaining("refused")
                .message()
                .doesNotContain("hunter2");
    }

    private StoreConfig config(String schema) {
        return new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, schema);
    }

    private List<String> tables(String schema) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement("select table_name from information_schema.tables where table_schema = ?")) {
            s.setString(1, schema);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    private int count(String sql) throws SQLException {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
