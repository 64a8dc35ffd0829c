package io.inferbroker.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DbAddressTest {

    @Test
    void shouldShowHostPortAndDatabaseWithoutOptions() {
        assertThat(DbAddress.describe("jdbc:postgresql://db.internal:6543/broker?password=x&ssl=true"))
                .isEqualTo("db.internal:6543/broker");
        assertThat(DbAddress.describe("jdbc:postgresql://db.internal/broker")).isEqualTo("db.internal:5432/broker");
    }

    @Test
    void shouldListEveryHostOfAFailoverUrl() {
        assertThat(DbAddress.describe("jdbc:postgresql://a:5432,b:5433/broker")).isEqualTo("a:5432,b:5433/broker");
    }
}
