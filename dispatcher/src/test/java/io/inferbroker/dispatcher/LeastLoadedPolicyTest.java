package io.inferbroker.dispatcher;

import static io.inferbroker.dispatcher.Fixtures.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.WorkerState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastLoadedPolicyTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "m";

    private final LeastLoadedPolicy policy = new LeastLoadedPolicy();

    @Test
    void shouldChooseWorkerWithMostHeadroom() {
        RoutingVerdict verdict = policy.route(
                MODEL,
                4,
                List.of(candidate("a", 8, 6, 0, 50), candidate("b", 8, 1, 0, 500), candidate("c", 4, 0, 0, 10)),
                NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("b", 4));
    }

    @Test
    void shouldBreakHeadroomTieByLowestTimeToFirstToken() {
        RoutingVerdict verdict =
                policy.route(MODEL, 2, List.of(candidate("slow", 4, 0, 0, 300), candidate("fast", 4, 0, 0, 80)), NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("fast", 2));
    }

    @Test
    void shouldBreakFullTieByWorkerIdSoAnswersAreStable() {
        RoutingVerdict verdict =
                policy.route(MODEL, 1, List.of(candidate("w2", 4, 0, 0, 80), candidate("w1", 4, 0, 0, 80)), NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("w1", 1));
    }

    @Test
    void shouldLimitJobsToChosenWorkersHeadroom() {
        RoutingVerdict verdict = policy.route(MODEL, 8, List.of(candidate("a", 4, 1, 0, 50)), NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("a", 3));
    }

    @Test
    void shouldCountOwnOutstandingWhenHigherThanReportedInFlight() {
        RoutingVerdict verdict =
                policy.route(MODEL, 8, List.of(candidate("a", 8, 1, 6, 50), candidate("b", 8, 4, 0, 50)), NOW);

        assertThat(verdict).isEqualTo(new RoutingVerdict.Route("b", 4));
    }

    @Test
    void shouldAnswerNoWorkerWhenNoneHasHeadroom() {
        RoutingVerdict verdict =
                policy.route(MODEL, 2, List.of(candidate("a", 4, 4, 0, 50), candidate("b", 4, 0, 4, 50)), NOW);

        assertThat(verdict).isInstanceOf(RoutingVerdict.NoWorker.class);
        assertThat(((RoutingVerdict.NoWorker) verdict).reason()).contains("headroom");
    }

    @Test
    void shouldAnswerNoWorkerWithoutCandidates() {
        RoutingVerdict verdict = policy.route(MODEL, 2, List.of(), NOW);

        assertThat(verdict).isInstanceOf(RoutingVerdict.NoWorker.class);
        assertThat(((RoutingVerdict.NoWorker) verdict).reason()).contains("no usable worker serves model m");
    }

    @Test
    void shouldRejectRequestForNoJobs() {
        assertThatThrownBy(() -> policy.route(MODEL, 0, List.of(candidate("a", 4, 0, 0, 50)), NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jobsWanted");
    }

    private static WorkerCandidate candidate(String id, int capacity, int inFlight, int outstanding, double ttftMs) {
        return new WorkerCandidate(
                worker(id, capacity, inFlight, WorkerState.ACTIVE, true, ttftMs, NOW, MODEL), outstanding);
    }
}
