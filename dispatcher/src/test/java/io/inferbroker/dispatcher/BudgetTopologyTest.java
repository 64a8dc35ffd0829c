package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.job;
import static io.inferbroker.dispatcher.Fixtures.priced;
import static io.inferbroker.dispatcher.Fixtures.result;
import static io.inferbroker.dispatcher.Harness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.dispatcher.internal.BudgetLedger;
import io.inferbroker.dispatcher.internal.StoreNames;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.LifecycleType;
import io.inferbroker.schemas.Price;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets: reserved at admission from an estimate, in one task per tenant whatever the model, and
 * settled with the actual cost from results.
 */
class BudgetTopologyTest {
    private static final String CHAT = "chat-model";
    private static final String CODE = "code-model";
    private static final String ACME = "acme";
    /** 10 per million output tokens: a job with max_tokens 300 is estimated at 0.003. */
    private static final Price PRICE = new Price(BigDecimal.ZERO, BigDecimal.TEN, BigDecimal.ZERO, "USD");

    @TempDir
    Path stateDir;

    private @Nullable Harness h;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    private void start(boolean configuredPrice) {
        DispatcherConfig config = Harness.config()
                .withModel(CHAT, new ModelBatching(8, Duration.ofSeconds(10)))
                .withModel(CODE, new ModelBatching(8, Duration.ofSeconds(10)))
                .withBudget(ACME, new TenantBudget(new BigDecimal("0.010"), "USD"));
        if (configuredPrice) {
            config = config.withRouting(CHAT, new ModelRouting(RoutingStrategy.COST, List.of(), PRICE))
                    .withRouting(CODE, new ModelRouting(RoutingStrategy.COST, List.of(), PRICE));
        }
        h = new Harness(config, null, stateDir);
    }

    @Test
    void shouldRejectTheJobThatWouldOverspendWhateverItsModel() {
        start(true);
        h.submit(job("j1", ACME, CHAT, 300, T0));
        h.submit(job("j2", ACME, CODE, 300, T0));
        h.submit(job("j3", ACME, CHAT, 300, T0));
        h.submit(job("j4", ACME, CODE, 300, T0));

        JobResult rejected = h.outcomes.readValue();
        assertThat(rejected.jobId()).isEqualTo("j4");
        assertThat(rejected.status()).isEqualTo(JobStatus.REJECTED);
        assertThat(rejected.error().code()).isEqualTo("budget_exceeded");
        assertThat(h.outcomes.isEmpty()).isTrue();
        List<LifecycleEvent> events = h.events.readValuesToList();
        assertThat(events)
                .filteredOn(e -> e.type() == LifecycleType.QUEUED)
                .extracting(LifecycleEvent::jobId)
                .containsExactly("j1", "j2", "j3");
        assertThat(events)
                .filteredOn(e -> e.type() == LifecycleType.REJECTED)
                .extracting(LifecycleEvent::jobId)
                .containsExactly("j4");
        assertThat(h.registry
                        .get("broker.dispatcher.budget.rejections")
                        .tag("model", CODE)
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldSettleReservationWithActualCostAndAdmitAgain() {
        start(true);
        for (String id : List.of("j1", "j2", "j3")) {
            h.submit(job(id, ACME, CHAT, 300, T0));
        }
        h.submit(job("j4", ACME, CHAT, 300, T0));
        assertThat(h.outcomes.readValue().jobId()).isEqualTo("j4");

        // j1 cost 0.001 instead of 0.003: 0.002 comes free.
        h.result(result("j1", ACME, CHAT, JobStatus.SUCCEEDED, "w1", 1, "0.001", T0));
        // A second result of j1 (a re-run after failover) settles nothing again.
        h.result(result("j1", ACME, CHAT, JobStatus.SUCCEEDED, "w2", 2, "0.004", T0));
        h.submit(job("j5", ACME, CHAT, 200, T0));
        h.submit(job("j6", ACME, CHAT, 200, T0));

        // Committed: spent 0.001 + reserved 0.006 (j2, j3) + 0.002 (j5) = 0.009; j6 would make 0.011.
        assertThat(h.outcomes.readValuesToList())
                .extracting(JobResult::jobId, JobResult::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("j6", JobStatus.REJECTED));
        BudgetLedger ledger =
                (BudgetLedger) h.driver.getKeyValueStore(StoreNames.BUDGETS).get(ACME);
        assertThat(ledger.spent()).isEqualByComparingTo("0.001");
        assertThat(ledger.reserved()).isEqualByComparingTo("0.008");
    }

    @Test
    void shouldStartSpendingAgainFromZeroInANewPeriodKeepingReservationsOfRunningJobs() {
        DispatcherConfig config = Harness.config()
                .withModel(CHAT, new ModelBatching(8, Duration.ofSeconds(10)))
                .withRouting(CHAT, new ModelRouting(RoutingStrategy.COST, List.of(), PRICE))
                .withBudget(ACME, new TenantBudget(new BigDecimal("0.010"), "USD", BudgetPeriod.DAY));
        h = new Harness(config, null, stateDir);
        for (String id : List.of("j1", "j2", "j3")) {
            h.submit(job(id, ACME, CHAT, 300, T0));
        }
        h.result(result("j1", ACME, CHAT, JobStatus.SUCCEEDED, "w1", 1, "0.003", T0));
        h.result(result("j2", ACME, CHAT, JobStatus.SUCCEEDED, "w1", 1, "0.003", T0));
        h.submit(job("j4", ACME, CHAT, 300, T0));
        JobResult rejected = h.outcomes.readValue();
        assertThat(rejected.jobId()).isEqualTo("j4");
        assertThat(rejected.error().message()).contains("for 2030-01-01");

        h.advance(Duration.ofDays(1));
        // Spent 0.006 belonged to yesterday; j3's reservation (0.003) is still running and carries over.
        h.submit(job("j5", ACME, CHAT, 300, T0.plus(Duration.ofDays(1))));
        h.submit(job("j6", ACME, CHAT, 300, T0.plus(Duration.ofDays(1))));
        h.submit(job("j7", ACME, CHAT, 300, T0.plus(Duration.ofDays(1))));
        assertThat(h.outcomes.readValuesToList())
                .extracting(JobResult::jobId)
                .as("0.003 carried + 0.006 fits; a third job would make 0.012")
                .containsExactly("j7");
        BudgetLedger ledger =
                (BudgetLedger) h.driver.getKeyValueStore(StoreNames.BUDGETS).get(ACME);
        assertThat(ledger.period()).isEqualTo("2030-01-02");
        assertThat(ledger.spent()).isEqualByComparingTo("0");
        assertThat(ledger.reserved()).isEqualByComparingTo("0.009");
    }

    @Test
    void shouldNotReserveTwiceForARepeatedRequest() {
        start(true);
        for (int i = 0; i < 5; i++) {
            h.submit(job("j1", ACME, CHAT, 300, T0));
        }
        h.submit(job("j2", ACME, CHAT, 300, T0));
        h.submit(job("j3", ACME, CHAT, 300, T0));

        assertThat(h.outcomes.isEmpty()).isTrue();
        assertThat(h.events.readValuesToList())
                .filteredOn(e -> e.type() == LifecycleType.QUEUED)
                .extracting(LifecycleEvent::jobId)
                .containsExactly("j1", "j2", "j3");
    }

    @Test
    void shouldLeaveTenantsWithoutBudgetAlone() {
        start(true);
        for (int i = 0; i < 10; i++) {
            h.submit(job("other-" + i, "globex", CHAT, 300, T0));
        }
        assertThat(h.outcomes.isEmpty()).isTrue();
        assertThat(h.driver.getKeyValueStore(StoreNames.RESERVATIONS).approximateNumEntries())
                .isZero();
    }

    @Test
    void shouldRunEveryAdmissionOfATenantWithBudgetThroughOneRepartitionByTenant() {
        DispatcherConfig budgeted = Harness.config().withBudget(ACME, new TenantBudget(BigDecimal.ONE, "USD"));

        String withBudget = DispatcherTopology.build(budgeted).describe().toString();
        String without = DispatcherTopology.build(Harness.config()).describe().toString();

        assertThat(withBudget).contains(StoreNames.BY_TENANT + "-repartition", "budget");
        assertThat(without).doesNotContain(StoreNames.BY_TENANT);
    }

    @Test
    void shouldEstimateAtTheCheapestUsableWorkerWithoutAConfiguredPrice() {
        start(false);
        // 1 per million output tokens on the cheap worker: 0.0003 per job of 300 tokens.
        h.worker(priced("cheap", 1, 50, 1000, "1", T0, CHAT));
        h.worker(priced("dear", 1, 50, 1000, "100", T0, CHAT));
        for (int i = 0; i < 34; i++) {
            h.submit(job("j" + i, ACME, CHAT, 300, T0));
        }

        assertThat(h.outcomes.readValuesToList()).extracting(JobResult::jobId).containsExactly("j33");
    }
}
