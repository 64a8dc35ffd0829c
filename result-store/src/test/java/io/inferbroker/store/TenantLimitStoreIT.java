package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.store.api.TenantLimits;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class TenantLimitStoreIT {
    private StoreDatabase db;

    @BeforeEach
    void open(PostgresInfra pg) {
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), new SimpleMeterRegistry());
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void shouldGiveANewTenantTheDefaultsAndAnUnknownOneNothing() {
        String tenant = db.apiKeys().createTenant("acme");

        assertThat(db.tenantLimits().find(tenant)).contains(TenantLimits.DEFAULTS);
        assertThat(db.tenantLimits().find("ten_unknown")).isEmpty();
    }

    @Test
    void shouldStoreRateLimitsAndResetThemToTheDefaultWithNull() {
        String tenant = db.apiKeys().createTenant("acme");
        String other = db.apiKeys().createTenant("globex");

        assertThat(db.tenantLimits().setRateLimits(tenant, 120, 0)).contains(new TenantLimits(120, 0, null));
        assertThat(db.tenantLimits().find(tenant)).contains(new TenantLimits(120, 0, null));
        assertThat(db.tenantLimits().find(other)).contains(TenantLimits.DEFAULTS);

        assertThat(db.tenantLimits().setRateLimits(tenant, null, 5000)).contains(new TenantLimits(null, 5000, null));
        assertThat(db.tenantLimits().find(tenant)).contains(new TenantLimits(null, 5000, null));
    }

    @Test
    void shouldAnswerEmptyForAnUnknownTenantAndRefuseNegativeLimits() {
        String tenant = db.apiKeys().createTenant("acme");

        assertThat(db.tenantLimits().setRateLimits("ten_unknown", 10, 10)).isEmpty();
        assertThatThrownBy(() -> db.tenantLimits().setRateLimits(tenant, -1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requests_per_minute");
        assertThat(db.tenantLimits().find(tenant)).contains(TenantLimits.DEFAULTS);
    }
}
