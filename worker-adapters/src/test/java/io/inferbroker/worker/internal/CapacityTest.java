package io.inferbroker.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapacityTest {

    @Test
    void shouldTakeAsManySlotsAsAreFreeUpToTheWantedNumber() {
        Capacity capacity = new Capacity(3);

        assertThat(capacity.acquireUpTo(2, () -> false)).isEqualTo(2);
        assertThat(capacity.acquireUpTo(5, () -> false)).isEqualTo(1);
        assertThat(capacity.inFlight()).isEqualTo(3);
    }

    @Test
    void shouldGiveUpWaitingWhenToldToStop() {
        Capacity capacity = new Capacity(1);
        capacity.acquireUpTo(1, () -> false);

        assertThat(capacity.acquireUpTo(1, () -> false)).isZero();
        capacity.release();
        assertThat(capacity.acquireUpTo(1, () -> false)).isEqualTo(1);
    }
}
