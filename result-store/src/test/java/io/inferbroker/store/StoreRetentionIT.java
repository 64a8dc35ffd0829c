package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WireJson;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.store.internal.Decoded;
import io.inferbroker.store.internal.DeliveryPlanner;
import io.inferbroker.store.internal.JdbiRecordWriter;
import io.inferbroker.store.internal.JobWriter;
import io.inferbroker.store.internal.Source;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class StoreRetentionIT {
    private static final String TENANT = "ten_old";

    @Test
    void shouldDeleteFinishedJobsPastRetentionInSmallBatchesAndKeepUnfinishedOnes(PostgresInfra pg) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StoreDatabase db =
                StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry)) {
            var mapper = WireJson.newMapper();
            var writer = new JdbiRecordWriter(
                    db.jdbi(),
                    new JobWriter(mapper, Clock.systemUTC()),
                    new DeliveryPlanner(mapper),
                    Clock.systemUTC());
            List<Decoded> records = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                records.add(new Decoded.Result(
                        new Source(Topic.RESULTS, "r", 0, i), WireFixtures.succeeded("old-" + i, TENANT, "w", 1, "x")));
            }
            records.add(new Decoded.Event(
                    new Source(Topic.EVENTS, "e", 0, 1),
                    WireFixtures.event("running", TENANT, LifecycleType.STARTED, Duration.ZERO, "w", 1)));
            writer.write(records);

            Clock later = Clock.fixed(WireFixtures.ACCEPTED.plus(Duration.ofDays(31)), ZoneOffset.UTC);
            var retention = StoreRetention.manual(
                    db, new RetentionConfig(Duration.ofDays(30), 3, Duration.ofHours(1)), registry, later);
            Clock early = Clock.fixed(WireFixtures.ACCEPTED.plus(Duration.ofDays(29)), ZoneOffset.UTC);
            assertThat(StoreRetention.manual(
                                    db,
                                    new RetentionConfig(Duration.ofDays(30), 3, Duration.ofHours(1)),
                                    registry,
                                    early)
                            .round())
                    .isZero();

            assertThat(retention.round()).isEqualTo(7);
            assertThat(db.jobs().find(TENANT, "old-0")).isEmpty();
            assertThat(db.jobs().find(TENANT, "old-6")).isEmpty();
            assertThat(db.jobs().find(TENANT, "running")).isPresent();
            assertThat(registry.get("broker.store.retention.deleted").counter().count())
                    .isEqualTo(7.0);
            assertThat(retention.round()).isZero();
        }
    }

    @Test
    void shouldDeleteExpiredIdempotencyClaimsInBatchesAlsoWhenKeepingEverything(PostgresInfra pg) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StoreDatabase db =
                StoreDatabase.open(new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 2, pg.schema()), registry)) {
            int claims = 7;
            for (int i = 0; i < claims; i++) {
                assertThat(db.idempotency()
                                .claim(
                                        TENANT,
                                        "key-" + i,
                                        "h",
                                        "job-" + i,
                                        JsonNodeFactory.instance.objectNode(),
                                        new byte[0]))
                        .isInstanceOf(IdempotencyStore.Claim.Claimed.class);
            }
            RetentionConfig keepEverything = new RetentionConfig(Duration.ZERO, 3, Duration.ofHours(1));
            Clock withinTheWindow = Clock.offset(Clock.systemUTC(), IdempotencyStore.WINDOW.minusMinutes(1));
            Clock pastTheWindow = Clock.offset(Clock.systemUTC(), IdempotencyStore.WINDOW.plusMinutes(1));

            assertThat(StoreRetention.manual(db, keepEverything, registry, withinTheWindow)
                            .round())
                    .isZero();
            assertThat(StoreRetention.manual(db, keepEverything, registry, pastTheWindow)
                            .round())
                    .isEqualTo(claims);

            assertThat(db.idempotency()
                            .claim(
                                    TENANT,
                                    "key-0",
                                    "other",
                                    "job-new",
                                    JsonNodeFactory.instance.objectNode(),
                                    new byte[0]))
                    .as("the key is free again")
                    .isInstanceOf(IdempotencyStore.Claim.Claimed.class);
            assertThat(registry.get("broker.store.retention.deleted").counter().count())
                    .isEqualTo(claims);
        }
    }
}
