package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.priced;
import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.WorkerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing strategies as pure functions of their candidates. */
class RoutingPoliciesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "m";

    /** 100 tokens: 1.1 s on the cheap worker (100 tokens/s), 0.2 s on the dear one (1000 tokens/s). */
    private final WorkerStatus cheap = priced("cheap", 4, 100, 100, "1", NOW, MODEL);

    private final WorkerStatus dear = priced("dear", 4, 100, 1000, "10", NOW, MODEL);

    @Test
    void shouldSendCostJobsToCheapestWorkerWithHeadroom() {
        RoutingVerdict verdict = new CostPolicy()
                .route(
                        new RoutingRequest(MODEL, 8, (Instant) null, 100),
                        List.of(candidate(dear, 0), candidate(cheap, 1)),
                        NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("cheap", 3));
    }

    @Test
    void shouldSpillCostJobsWithoutDeadlineToDearerWorkerAtOnce() {
        RoutingVerdict verdict = new CostPolicy()
                .route(
                        new RoutingRequest(MODEL, 2, (Instant) null, 100),
                        List.of(candidate(dear, 0), candidate(cheap, 4)),
                        NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("dear", 2));
    }

    @Test
    void shouldHoldCostJobsForCheaperWorkerWhileTheirDeadlineAllows() {
        List<WorkerCandidate> cheapFull = List.of(candidate(dear, 0), candidate(cheap, 4));

        RoutingVerdict relaxed =
                new CostPolicy().route(new RoutingRequest(MODEL, 2, NOW.plusSeconds(30), 100), cheapFull, NOW);
        RoutingVerdict tight =
                new CostPolicy().route(new RoutingRequest(MODEL, 2, NOW.plusMillis(1100), 100), cheapFull, NOW);

        assertThat(relaxed).isInstanceOf(RoutingVerdict.NoWorker.class);
        assertThat(tight).isEqualTo(new RoutingVerdict.Route("dear", 2));
    }

    @Test
    void shouldSpillOnlyTheJobsThatCannotWaitForTheCheaperWorker() {
        List<WorkerCandidate> cheapFull = List.of(candidate(dear, 0), candidate(cheap, 4));
        RoutingRequest mixed = new RoutingRequest(
                MODEL, 3, List.of(NOW.plusMillis(1100), NOW.plusMillis(1200), NOW.plusSeconds(30)), 100);

        assertThat(new CostPolicy().route(mixed, cheapFull, NOW)).isEqualTo(new RoutingVerdict.Route("dear", 2));
    }

    @Test
    void shouldOfferTheCheaperWorkerTheJobsItCanStillFinishInTime() {
        List<WorkerCandidate> both = List.of(candidate(dear, 0), candidate(cheap, 0));
        RoutingRequest mixed = new RoutingRequest(
                MODEL, 3, List.of(NOW.plusMillis(500), NOW.plusSeconds(30), NOW.plusSeconds(30)), 100);

        assertThat(new CostPolicy().route(mixed, both, NOW)).isEqualTo(new RoutingVerdict.Route("dear", 1));
        RoutingRequest rest = new RoutingRequest(MODEL, 2, List.of(NOW.plusSeconds(30), NOW.plusSeconds(30)), 100);
        assertThat(new CostPolicy().route(rest, both, NOW)).isEqualTo(new RoutingVerdict.Route("cheap", 2));
    }

    @Test
    void shouldSkipCheaperWorkerThatWouldMissTheDeadline() {
        RoutingVerdict verdict = new CostPolicy()
                .route(
                        new RoutingRequest(MODEL, 1, NOW.plusMillis(500), 100),
                        List.of(candidate(cheap, 0), candidate(dear, 0)),
                        NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("dear", 1));
    }

    @Test
    void shouldSendLatencyJobsToWorkerExpectedToFinishFirst() {
        RoutingVerdict verdict = new LatencyPolicy()
                .route(
                        new RoutingRequest(MODEL, 1, (Instant) null, 100),
                        List.of(candidate(cheap, 0), candidate(dear, 3)),
                        NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("dear", 1));
    }

    @Test
    void shouldRotateWeightedJobsInProportionToCapacity() {
        WeightedPolicy policy = new WeightedPolicy();
        List<WorkerCandidate> both = List.of(
                candidate(priced("big", 30, 100, 100, "1", NOW, MODEL), 0),
                candidate(priced("small", 10, 100, 100, "1", NOW, MODEL), 0));

        List<String> picks = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> ((RoutingVerdict.Route) policy.route(RoutingRequest.of(MODEL, 1), both, NOW)).workerId())
                .toList();

        assertThat(picks).containsExactly("big", "big", "small", "big", "big", "big", "small", "big");
    }

    @Test
    void shouldAnswerNoWorkerWhenNoCandidateHasHeadroom() {
        for (RoutingStrategy s : RoutingStrategy.values()) {
            assertThat(s.newPolicy().route(RoutingRequest.of(MODEL, 1), List.of(candidate(cheap, 4)), NOW))
                    .as(s.configName())
                    .isInstanceOf(RoutingVerdict.NoWorker.class);
        }
    }

    private static WorkerCandidate candidate(WorkerStatus status, int outstanding) {
        return new WorkerCandidate(status, outstanding);
    }
}
