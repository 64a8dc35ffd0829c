package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.TokenDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FeedSubscriptionTest {
    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private final AtomicInteger closes = new AtomicInteger();

    private FeedSubscription sub(int capacity) {
        return new FeedSubscription("j", capacity, Runnable::run, s -> closes.incrementAndGet());
    }

    private static FeedRecord token(long seq) {
        return new FeedRecord.Token(new TokenDelta(TokenDelta.VERSION, "j", 1, seq, 0, "t" + seq, T));
    }

    private static FeedRecord.Result result() {
        return new FeedRecord.Result(new JobResult(
                JobResult.VERSION,
                "j",
                "tenant",
                "m",
                JobStatus.SUCCEEDED,
                null,
                null,
                null,
                null,
                null,
                1,
                new Timings(T, null, null, null, T)));
    }

    @Test
    void shouldQueueRecordsInOrderForAStreamingSubscriber() throws Exception {
        FeedSubscription sub = sub(8);
        sub.deliver(token(1));
        sub.deliver(token(2));

        assertThat(sub.next(Duration.ZERO)).contains(token(1));
        assertThat(sub.next(Duration.ZERO)).contains(token(2));
        assertThat(sub.next(Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheResultForAResultSubscriber() throws Exception {
        FeedSubscription sub = sub(0);
        sub.deliver(token(1));
        sub.deliver(result());

        assertThat(sub.awaitResult(Duration.ofSeconds(5)).join()).contains(result().result());
        assertThat(sub.next(Duration.ZERO)).isEmpty();
    }

    @Test
    void shouldEndWithOverflowWhenMoreRecordsWaitThanItsCapacity() {
        FeedSubscription sub = sub(2);
        boolean first = sub.deliver(token(1));
        boolean second = sub.deliver(token(2));
        boolean third = sub.deliver(token(3));
        boolean fourth = sub.deliver(token(4));

        // Only the record that found the queue full reports the cut, once.
        assertThat(List.of(first, second, third, fourth)).containsExactly(false, false, true, false);
        assertThatThrownBy(() -> sub.next(Duration.ZERO))
                .isInstanceOfSatisfying(
                        FeedEndedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FeedEndedException.Reason.OVERFLOW));
        assertThatThrownBy(() -> sub.awaitResult(Duration.ofSeconds(5)).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(FeedEndedException.class);
    }

    @Test
    void shouldAnswerEmptyWhenTheWaitIsOver() {
        assertThat(sub(0).awaitResult(Duration.ofMillis(10)).join()).isEmpty();
    }

    @Test
    void shouldUnsubscribeOnceOnClose() {
        FeedSubscription sub = sub(0);
        sub.close();
        sub.close();

        assertThat(closes).hasValue(1);
        assertThatThrownBy(() -> sub.awaitResult(Duration.ofSeconds(5)).join())
                .hasCauseInstanceOf(FeedEndedException.class);
    }
}
