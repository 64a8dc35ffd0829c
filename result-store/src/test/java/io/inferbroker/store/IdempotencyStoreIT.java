package io.inferbroker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.store.api.IdempotencyStore;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.PostgresInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(InfraExtension.class)
class IdempotencyStoreIT {
    private PostgresInfra pg;
    private StoreDatabase db;

    @BeforeEach
    void start(PostgresInfra pg) {
        this.pg = pg;
        db = StoreDatabase.open(
                new StoreConfig(pg.jdbcUrl(), pg.user(), pg.password(), 8, pg.schema()), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        db.close();
    }

    private static final byte[] REQUEST = "{\"job_id\":\"job-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static ObjectNode job(String id) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("status", "queued");
    }

    @Test
    void shouldAnswerRepeatsWithTheFirstJobAndOtherBodiesWithAConflict() {
        IdempotencyStore store = db.idempotency();
        assertThat(store.claim("t1", "k", "hash-a", "job-1", job("job-1"), REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Claimed.class);

        assertThat(store.claim("t1", "k", "hash-a", "job-2", job("job-2"), REQUEST))
                .isInstanceOfSatisfying(IdempotencyStore.Claim.Repeat.class, r -> {
                    assertThat(r.jobId()).isEqualTo("job-1");
                    assertThat(r.job()).isEqualTo(job("job-1"));
                });
        assertThat(store.claim("t1", "k", "hash-b", "job-3", job("job-3"), REQUEST))
                .isEqualTo(new IdempotencyStore.Claim.Conflict("job-1"));
        assertThat(store.claim("t2", "k", "hash-b", "job-4", job("job-4"), REQUEST))
                .as("keys are per tenant")
                .isInstanceOf(IdempotencyStore.Claim.Claimed.class);
    }

    @Test
    void shouldAnswerARepeatWithTheFirstJobExactlyWhenItsMetadataHoldsNulAndTheEscapeCharacter() {
        IdempotencyStore store = db.idempotency();
        ObjectNode first = job("job-1");
        first.putObject("metadata").put("note\u0000", "a\u0000b\uE000 \uE0000 \uE0001");
        assertThat(store.claim("t1", "k", "h", "job-1", first, REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Claimed.class);

        assertThat(store.claim("t1", "k", "h", "job-2", job("job-2"), REQUEST))
                .isInstanceOfSatisfying(
                        IdempotencyStore.Claim.Repeat.class,
                        r -> assertThat(r.job()).isEqualTo(first));
    }

    @Test
    void shouldKeepTheRequestRecordOfAClaimUntilItsJobIsProduced() {
        IdempotencyStore store = db.idempotency();
        store.claim("t1", "k", "h", "job-1", job("job-1"), REQUEST);

        assertThat(store.claim("t1", "k", "h", "job-2", job("job-2"), new byte[] {9}))
                .isInstanceOfSatisfying(
                        IdempotencyStore.Claim.Repeat.class,
                        r -> assertThat(r.unproduced())
                                .as("the first request's record, never acknowledged")
                                .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(REQUEST)));

        store.produced("t1", "k", "job-2");
        assertThat(store.claim("t1", "k", "h", "job-3", job("job-3"), REQUEST))
                .as("another job's acknowledgement does not count")
                .isInstanceOfSatisfying(
                        IdempotencyStore.Claim.Repeat.class,
                        r -> assertThat(r.unproduced()).isPresent());
        store.produced("t1", "k", "job-1");
        assertThat(store.claim("t1", "k", "h", "job-3", job("job-3"), REQUEST))
                .isInstanceOfSatisfying(
                        IdempotencyStore.Claim.Repeat.class,
                        r -> assertThat(r.unproduced()).isEmpty());
    }

    @Test
    void shouldLetARetryClaimAReleasedKey() {
        IdempotencyStore store = db.idempotency();
        store.claim("t1", "k", "h", "job-1", job("job-1"), REQUEST);
        store.release("t1", "k", "job-2");
        assertThat(store.claim("t1", "k", "h", "job-3", job("job-3"), REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Repeat.class);

        store.release("t1", "k", "job-1");
        assertThat(store.claim("t1", "k", "h", "job-3", job("job-3"), REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Claimed.class);
    }

    @Test
    void shouldForgetClaimsAfterTheWindow() throws Exception {
        IdempotencyStore store = db.idempotency();
        store.claim("t1", "old", "h", "job-1", job("job-1"), REQUEST);
        store.claim("t1", "older", "h", "job-2", job("job-2"), REQUEST);
        store.claim("t1", "fresh", "h", "job-3", job("job-3"), REQUEST);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement s = c.createStatement()) {
            s.executeUpdate(
                    "update idempotency_keys set created_at = now() - interval '25 hours' where key <> 'fresh'");
        }

        assertThat(store.claim("t1", "old", "other-hash", "job-9", job("job-9"), REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Claimed.class);
        var retention = StoreRetention.manual(
                db,
                new RetentionConfig(Duration.ZERO, 100, Duration.ofHours(1)),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        assertThat(retention.round()).as("the expired claim not claimed again").isEqualTo(1);
        assertThat(store.claim("t1", "fresh", "h", "job-x", job("job-x"), REQUEST))
                .isInstanceOf(IdempotencyStore.Claim.Repeat.class);
    }

    @Test
    void shouldGrantAConcurrentlyContestedKeyExactlyOnce() throws Exception {
        IdempotencyStore store = db.idempotency();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<IdempotencyStore.Claim>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String jobId = "job-" + i;
                calls.add(() -> store.claim("t1", "race", "h", jobId, job(jobId), REQUEST));
            }
            List<IdempotencyStore.Claim> claims = new ArrayList<>();
            for (Future<IdempotencyStore.Claim> f : pool.invokeAll(calls)) {
                claims.add(f.get());
            }
            assertThat(claims)
                    .filteredOn(c -> c instanceof IdempotencyStore.Claim.Claimed)
                    .hasSize(1);
            assertThat(claims)
                    .filteredOn(c -> c instanceof IdempotencyStore.Claim.Repeat)
                    .extracting(c -> ((IdempotencyStore.Claim.Repeat) c).jobId())
                    .hasSize(15)
                    .containsOnly(((IdempotencyStore.Claim.Repeat) claims.stream()
                                    .filter(c -> c instanceof IdempotencyStore.Claim.Repeat)
                                    .findFirst()
                                    .orElseThrow())
                            .jobId());
        } finally {
            pool.shutdownNow();
        }
    }
}
