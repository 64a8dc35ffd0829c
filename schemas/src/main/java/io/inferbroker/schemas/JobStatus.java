package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a job is in its lifecycle. Terminal states are final: nothing moves a job out of one. */
public enum JobStatus {
    @JsonProperty("queued")
    QUEUED(0),
    @JsonProperty("dispatched")
    DISPATCHED(1),
    @JsonProperty("running")
    RUNNING(2),
    @JsonProperty("succeeded")
    SUCCEEDED(3),
    @JsonProperty("failed")
    FAILED(3),
    @JsonProperty("canceled")
    CANCELED(3),
    @JsonProperty("expired")
    EXPIRED(3),
    @JsonProperty("rejected")
    REJECTED(3);

    private final int rank;

    JobStatus(int rank) {
        this.rank = rank;
    }

    /** True for the states a job never leaves. */
    public boolean isTerminal() {
        return rank == 3;
    }

    /** Lifecycle order: a transition is allowed only to a state of higher rank. */
    public int rank() {
        return rank;
    }

    /** The lower-case name used on the wire and in the HTTP API. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a wire name; empty when it names no status. */
    public static java.util.Optional<JobStatus> fromWire(String name) {
        for (JobStatus s : values()) {
            if (s.wireName().equals(name)) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
