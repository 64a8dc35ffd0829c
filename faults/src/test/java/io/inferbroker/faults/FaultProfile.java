package io.inferbroker.faults;

import java.time.Duration;

/**
 * How hard a fault suite pushes: jobs, pace, kills per role and the bounds it waits. {@code default}
 * runs in {@code ./mvnw verify}; {@code full} ({@code -Pfaults-full}) is the long run.
 */
record FaultProfile(
        String name,
        int jobs,
        int perSecond,
        int maxInFlight,
        int killsPerTarget,
        Duration recoveryBound,
        Duration quiescenceBound) {

    static FaultProfile current() {
        return "full".equals(System.getProperty("faults.profile", "default"))
                ? new FaultProfile("full", 20_000, 40, 400, 3, Duration.ofSeconds(150), Duration.ofMinutes(4))
                : new FaultProfile("default", 3_000, 15, 200, 1, Duration.ofSeconds(120), Duration.ofMinutes(2));
    }

    /** The same profile with fewer jobs, for a layout with fewer targets. */
    FaultProfile withJobs(int fewer) {
        return new FaultProfile(name, fewer, perSecond, maxInFlight, killsPerTarget, recoveryBound, quiescenceBound);
    }
}
