package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.store.api.IssuedKey;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
    private static final String URL = "jdbc:postgresql://db.internal:5432/broker";

    @Test
    void shouldDefaultToPublicSchema() {
        assertThat(new StoreConfig(URL, "broker", "pw", 4).schema()).isEqualTo("public");
    }

    @Test
    void shouldNameTheSettingOfEachInvalidValue() {
        assertThatThrownBy(() -> new StoreConfig("jdbc:mysql://x/y", "broker", "pw", 4))
                .hasMessageContaining("BROKER_DB_URL");
        assertThatThrownBy(() -> new StoreConfig(URL, " ", "pw", 4)).hasMessageContaining("BROKER_DB_USER");
        assertThatThrownBy(() -> new StoreConfig(URL, "broker", "pw", 0))
                .hasMessage("BROKER_DB_POOL_SIZE must be >= 1, was 0");
        assertThatThrownBy(() -> new StoreConfig(URL, "broker", "pw", 4, "Broker; drop table x"))
                .hasMessageContaining("BROKER_DB_SCHEMA");
    }

    @Test
    void shouldNeverPrintThePassword() {
        StoreConfig config = new StoreConfig(URL + "?password=urlsecret&ssl=true", "broker", "s3cret", 4, "broker");

        assertThat(config.toString())
                .doesNotContain("s3cret")
                .doesNotContain("urlsecret")
                .contains("password=****", "db.internal:5432/broker", "ssl=true", "schema=broker");
    }

    @Test
    void shouldNeverPrintAnIssuedSecret() {
        IssuedKey key = new IssuedKey("key_1", "ib_secretvalue");

        assertThat(key.toString()).contains("key_1").doesNotContain("ib_secretvalue");
    }
}
