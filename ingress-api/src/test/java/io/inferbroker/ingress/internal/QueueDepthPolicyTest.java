package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.QueueStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class QueueDepthPolicyTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final String MODEL = "llama-3-8b";

    private final TestClock clock = new TestClock(NOW);
    private final QueueBoard board = new QueueBoard();
    private final Map<String, Integer> limits = Map.of(MODEL, 100);
    private final QueueDepthPolicy policy =
            new QueueDepthPolicy(m -> limits.getOrDefault(m, 0), board, clock, Duration.ofSeconds(10));

    @Test
    void shouldAdmitBelowTheLimitAndShedAtIt() {
        board.update(MODEL, status(99, NOW.minusSeconds(4), NOW));
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);

        board.update(MODEL, status(100, NOW.minusSeconds(4), NOW));
        AdmissionVerdict.Reject reject = rejected(admit(MODEL));

        assertThat(reject.status()).isEqualTo(503);
        assertThat(reject.reason()).isEqualTo(AdmissionReason.QUEUE_FULL);
        assertThat(reject.detail()).contains("'" + MODEL + "'", "100 jobs queued", "limit of 100");
        assertThat(reject.context()).containsEntry("model", MODEL).containsEntry("queued", 100);
        assertThat(reject.quotas()).isEmpty();
    }

    @Test
    void shouldCountTheJobsItAdmittedThatTheDispatcherHasNotReadYet() {
        board.update(MODEL, new QueueStatus(QueueStatus.VERSION, MODEL, 97, NOW.minusSeconds(4), NOW, null, NOW));
        for (int i = 1; i <= 3; i++) {
            clock.advance(Duration.ofMillis(1));
            assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
        }
        AdmissionVerdict.Reject full = rejected(admit(MODEL));
        assertThat(full.context()).containsEntry("queued", 100);
        assertThat(full.detail()).contains("100 jobs queued");

        // Read up to the first of them, which the dispatcher has queued: 98 queued, 2 on their way.
        Instant first = NOW.plusMillis(1);
        board.update(MODEL, new QueueStatus(QueueStatus.VERSION, MODEL, 98, NOW.minusSeconds(4), NOW, null, first));
        assertThat(rejected(admit(MODEL)).context()).containsEntry("queued", 100);

        // A job refused by the rate limits after the queue let it in does not count.
        board.update(MODEL, new QueueStatus(QueueStatus.VERSION, MODEL, 96, NOW.minusSeconds(4), NOW, null, first));
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
        policy.withdraw(new AdmissionRequest("t", MODEL, 10));
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
        assertThat(rejected(admit(MODEL)).context()).containsEntry("queued", 100);
    }

    @Test
    void shouldEstimateRetryAfterFromHowFastTheQueueDrains() {
        // 200 queued, the oldest waited 20 s: about 10 jobs a second; 101 above the limit take ~10.1 s.
        board.update(MODEL, status(200, NOW.minusSeconds(20), NOW));

        AdmissionVerdict.Reject reject = rejected(admit(MODEL));

        assertThat(reject.retryAfter()).isEqualTo(Duration.ofMillis(10_100));
        assertThat(reject.retryAfterSeconds()).isEqualTo(11);
        assertThat(reject.headers()).containsEntry("Retry-After", "11");
    }

    @Test
    void shouldBoundRetryAfterBetweenOneSecondAndOneMinute() {
        board.update(MODEL, status(100, null, NOW));
        assertThat(rejected(admit(MODEL)).retryAfter()).isEqualTo(Duration.ofSeconds(1));

        board.update(MODEL, status(100, NOW.minusMillis(50), NOW));
        assertThat(rejected(admit(MODEL)).retryAfter()).isEqualTo(Duration.ofSeconds(1));

        board.update(MODEL, status(5000, NOW.minus(Duration.ofHours(1)), NOW));
        assertThat(rejected(admit(MODEL)).retryAfter()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldFailOpenWhenTheStatusIsStaleOrMissing() {
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);

        board.update(MODEL, status(500, NOW.minusSeconds(30), NOW.minusSeconds(10)));
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Reject.class);

        clock.advance(Duration.ofMillis(1));
        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldForgetAModelOnATombstone() {
        board.update(MODEL, status(500, NOW, NOW));
        board.update(MODEL, null);

        assertThat(admit(MODEL)).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    @Test
    void shouldNotLimitAModelWithoutMaxQueued() {
        board.update("other", new QueueStatus(QueueStatus.VERSION, "other", 1_000_000, NOW, NOW));

        assertThat(admit("other")).isInstanceOf(AdmissionVerdict.Admit.class);
    }

    private AdmissionVerdict admit(String model) {
        return policy.admit(new AdmissionRequest("t", model, 10));
    }

    private static QueueStatus status(int queued, @Nullable Instant oldest, Instant at) {
        return new QueueStatus(QueueStatus.VERSION, MODEL, queued, oldest, at);
    }

    private static AdmissionVerdict.Reject rejected(AdmissionVerdict verdict) {
        assertThat(verdict).isInstanceOf(AdmissionVerdict.Reject.class);
        return (AdmissionVerdict.Reject) verdict;
    }
}
