package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a worker takes new work. */
public enum WorkerState {
    @JsonProperty("active")
    ACTIVE,
    @JsonProperty("draining")
    DRAINING,
    @JsonProperty("gone")
    GONE
}
