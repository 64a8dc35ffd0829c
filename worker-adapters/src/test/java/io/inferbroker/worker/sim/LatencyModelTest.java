package io.inferbroker.worker.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LatencyModelTest {

    static List<BatchCurve.Profile> profiles() {
        return BatchCurve.load().models();
    }

    @Test
    void shouldOfferTheThreeMeasuredProfiles() {
        assertThat(LatencyModel.profiles()).containsExactly("llama-160m", "llama-1.1b", "llama-8b-shape");
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void shouldReproduceMeasuredStepsAtMeasuredBatchSizes(BatchCurve.Profile data) {
        LatencyModel model = LatencyModel.load(data.name(), 1.0);
        for (BatchCurve.Point p : data.batches()) {
            assertThat(millis(model.step(p.batch()))).isCloseTo(p.decodeStepMs(), within(1e-6));
        }
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void shouldKeepStepNearlyFlatWhileBatchGrowsHundredfold(BatchCurve.Profile data) {
        LatencyModel model = LatencyModel.load(data.name(), 1.0);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int b = model.minBatch(); b <= model.maxBatch(); b++) {
            min = Math.min(min, millis(model.step(b)));
            max = Math.max(max, millis(model.step(b)));
        }
        assertThat(model.maxBatch() / model.minBatch()).isGreaterThanOrEqualTo(100);
        assertThat(max / min).isLessThan(3.0);
    }

    @Test
    void shouldInterpolateBetweenAndClampOutsideMeasuredBatches() {
        LatencyModel model = LatencyModel.load("llama-1.1b", 1.0);
        Duration at2 = model.step(2);
        Duration at4 = model.step(4);
        Duration at3 = model.step(3);
        assertThat(at3).isBetween(min(at2, at4), max(at2, at4));
        assertThat(millis(at3)).isCloseTo((millis(at2) + millis(at4)) / 2, within(1e-6));
        assertThat(model.step(0)).isEqualTo(model.step(model.minBatch()));
        assertThat(model.step(10_000)).isEqualTo(model.step(model.maxBatch()));
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void shouldGrowPrefillWithBatchTimesPromptTokens(BatchCurve.Profile data) {
        LatencyModel model = LatencyModel.load(data.name(), 1.0);
        int p = data.promptLen();
        assertThat(model.prefill(128, p)).isGreaterThan(model.prefill(1, p));
        assertThat(model.prefill(8, 2 * p)).isGreaterThan(model.prefill(8, p));
        // Linear in batch x prompt: doubling either factor adds the same time.
        assertThat(model.prefill(16, p)).isEqualTo(model.prefill(8, 2 * p));
        BatchCurve.Point largest = data.batches().getLast();
        assertThat(model.prefill(largest.batch(), p).toNanos() / 1e9)
                .isCloseTo(largest.prefillS(), within(largest.prefillS() * 0.1));
    }

    @ParameterizedTest
    @MethodSource("profiles")
    void shouldGrowTokensPerSecondStronglyFromBatchOneTo128(BatchCurve.Profile data) {
        LatencyModel model = LatencyModel.load(data.name(), 1.0);
        BatchCurve.Point first = data.batches().getFirst();
        BatchCurve.Point last = data.batches().getLast();
        double modelled = model.tokensPerSecond(last.batch()) / model.tokensPerSecond(first.batch());
        double measured = last.genTokensPerS() / first.genTokensPerS();
        assertThat(modelled).isGreaterThan(30.0);
        assertThat(modelled).isCloseTo(measured, within(measured * 0.5));
    }

    @Test
    void shouldApplyTimeScaleToEveryDuration() {
        LatencyModel real = LatencyModel.load("llama-8b-shape", 1.0);
        LatencyModel fast = real.withTimeScale(0.01);
        assertThat(fast.timeScale()).isEqualTo(0.01);
        for (int b : new int[] {1, 7, 64, 128}) {
            assertThat((double) fast.step(b).toNanos()).isCloseTo(real.step(b).toNanos() * 0.01, within(1.0));
            assertThat((double) fast.prefill(b, 256).toNanos())
                    .isCloseTo(real.prefill(b, 256).toNanos() * 0.01, within(1.0));
            assertThat(fast.tokensPerSecond(b))
                    .isCloseTo(real.tokensPerSecond(b) * 100, within(1e-6 * real.tokensPerSecond(b) * 100));
        }
    }

    @Test
    void shouldRejectUnknownProfilesAndNonPositiveScales() {
        assertThatThrownBy(() -> LatencyModel.load("gpt-9", 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpt-9")
                .hasMessageContaining("llama-1.1b");
        assertThatThrownBy(() -> LatencyModel.load("llama-1.1b", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time_scale");
        assertThatThrownBy(() -> LatencyModel.load("llama-1.1b", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
