package io.inferbroker.launcher;

import java.math.BigDecimal;
import java.util.List;

/**
 * A worker this process hosts, from the {@code workers} list of the config file. Only the
 * simulator adapter ({@code sim}) exists so far.
 *
 * @param profile the simulator's latency profile (a model of the H100 batch curve)
 * @param timeScale simulated time relative to the measured GPU (1.0 = as measured; 0.1 = ten times faster)
 */
public record WorkerSpec(
        String id,
        String adapter,
        List<String> models,
        int capacity,
        String profile,
        double timeScale,
        BigDecimal inputPerMillion,
        BigDecimal outputPerMillion,
        BigDecimal perGpuSecond,
        String currency) {

    static WorkerSpec validated(WorkerSpec w, int index, List<String> modelIds) {
        String at = "workers[" + index + "]";
        if (w.id() == null || w.id().isBlank()) {
            throw new ConfigException(at + ".id is required");
        }
        if (!"sim".equals(w.adapter())) {
            throw new ConfigException(at + ".adapter must be 'sim', was '" + w.adapter() + "'");
        }
        if (w.models() == null || w.models().isEmpty()) {
            throw new ConfigException(at + ".models must list at least one model");
        }
        for (String m : w.models()) {
            if (!modelIds.contains(m)) {
                throw new ConfigException(at + ".models names '" + m + "', which is not in models: " + modelIds);
            }
        }
        if (w.capacity() < 1) {
            throw new ConfigException(at + ".capacity must be >= 1, was " + w.capacity());
        }
        if (!(w.timeScale() > 0)) {
            throw new ConfigException(at + ".time_scale must be > 0, was " + w.timeScale());
        }
        return w;
    }
}
