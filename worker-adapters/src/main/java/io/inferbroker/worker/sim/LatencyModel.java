package io.inferbroker.worker.sim;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The time a simulated GPU takes, per model profile, from the measured H100 batch curve:
 *
 * <ul>
 *   <li>{@link #step(int)}: one decode step (one token for every sequence of the batch), linearly
 *       interpolated over batch size from {@code decode_step_ms}, clamped to the measured range;
 *   <li>{@link #prefill(int, int)}: {@code a + c * batch * promptTokens}, with {@code a} and
 *       {@code c} fitted by least squares to {@code prefill_s} at the measured prompt length.
 * </ul>
 *
 * Every duration is multiplied by {@link #timeScale()}: 1.0 is the H100's real time, 0.01 runs a
 * hundred times faster. Immutable and thread-safe.
 */
public final class LatencyModel {
    private final String profile;
    private final List<BatchCurve.Point> points;
    private final double prefillBaseSeconds;
    private final double prefillSecondsPerToken;
    private final double timeScale;

    private LatencyModel(String profile, List<BatchCurve.Point> points, double base, double perToken, double scale) {
        this.profile = profile;
        this.points = points;
        this.prefillBaseSeconds = base;
        this.prefillSecondsPerToken = perToken;
        this.timeScale = scale;
    }

    /**
     * The model of one profile of the shipped curve.
     *
     * @param profile one of {@link #profiles()}, such as {@code llama-1.1b}
     * @param timeScale factor applied to every duration, &gt; 0
     * @throws IllegalArgumentException for an unknown profile or a time scale that is not positive
     */
    public static LatencyModel load(String profile, double timeScale) {
        checkScale(timeScale);
        BatchCurve.Profile data = BatchCurve.load().models().stream()
                .filter(p -> p.name().equals(profile))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown simulator profile '" + profile + "'; known: " + profiles()));
        List<BatchCurve.Point> sorted = data.batches().stream()
                .sorted(Comparator.comparingInt(BatchCurve.Point::batch))
                .toList();
        if (sorted.isEmpty()) {
            throw new IllegalStateException("profile " + profile + " has no measurements");
        }
        double[] fit = fitPrefill(sorted, data.promptLen());
        return new LatencyModel(profile, sorted, fit[0], fit[1], timeScale);
    }

    /** Names of the profiles in the shipped curve. */
    public static List<String> profiles() {
        return BatchCurve.load().models().stream().map(BatchCurve.Profile::name).toList();
    }

    /** The same profile with another time scale. */
    public LatencyModel withTimeScale(double newScale) {
        checkScale(newScale);
        return new LatencyModel(profile, points, prefillBaseSeconds, prefillSecondsPerToken, newScale);
    }

    public String profile() {
        return profile;
    }

    public double timeScale() {
        return timeScale;
    }

    /** Smallest measured batch size; smaller batches cost what this one costs. */
    public int minBatch() {
        return points.getFirst().batch();
    }

    /** Largest measured batch size; larger batches cost what this one costs. */
    public int maxBatch() {
        return points.getLast().batch();
    }

    /** Duration of one decode step for a batch of {@code batch} sequences. */
    public Duration step(int batch) {
        return scaled(stepMillis(batch) / 1_000.0);
    }

    /** Duration of the prefill of {@code batch} sequences of {@code promptTokens} tokens each. */
    public Duration prefill(int batch, int promptTokens) {
        double seconds = prefillBaseSeconds + prefillSecondsPerToken * Math.max(1, batch) * Math.max(0, promptTokens);
        return scaled(Math.max(0.0, seconds));
    }

    /** Generated tokens per second over the whole batch in steady decoding, in scaled time. */
    public double tokensPerSecond(int batch) {
        return Math.max(1, batch) / (stepMillis(batch) / 1_000.0 * timeScale);
    }

    private double stepMillis(int batch) {
        if (batch <= minBatch()) {
            return points.getFirst().decodeStepMs();
        }
        for (int i = 1; i < points.size(); i++) {
            BatchCurve.Point hi = points.get(i);
            if (batch <= hi.batch()) {
                BatchCurve.Point lo = points.get(i - 1);
                double f = (double) (batch - lo.batch()) / (hi.batch() - lo.batch());
                return lo.decodeStepMs() + f * (hi.decodeStepMs() - lo.decodeStepMs());
            }
        }
        return points.getLast().decodeStepMs();
    }

    private Duration scaled(double seconds) {
        return Duration.ofNanos(Math.round(seconds * timeScale * 1e9));
    }

    /** Least squares of {@code prefill_s = a + c * batch * promptLen}; returns {a, c}. */
    private static double[] fitPrefill(List<BatchCurve.Point> points, int promptLen) {
        int n = points.size();
        double meanX = 0;
        double meanY = 0;
        for (BatchCurve.Point p : points) {
            meanX += (double) p.batch() * promptLen / n;
            meanY += p.prefillS() / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (BatchCurve.Point p : points) {
            double dx = (double) p.batch() * promptLen - meanX;
            sxy += dx * (p.prefillS() - meanY);
            sxx += dx * dx;
        }
        double c = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {meanY - c * meanX, c};
    }

    private static void checkScale(double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("time_scale must be > 0, was " + timeScale);
        }
    }

    @Override
    public String toString() {
        return "LatencyModel[" + profile + ", timeScale=" + timeScale + "]";
    }
}
