package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A lifecycle transition, and the job status it leads to. */
public enum LifecycleType {
    @JsonProperty("queued")
    QUEUED(JobStatus.QUEUED),
    @JsonProperty("dispatched")
    DISPATCHED(JobStatus.DISPATCHED),
    @JsonProperty("started")
    STARTED(JobStatus.RUNNING),
    @JsonProperty("requeued")
    REQUEUED(JobStatus.QUEUED),
    @JsonProperty("succeeded")
    SUCCEEDED(JobStatus.SUCCEEDED),
    @JsonProperty("failed")
    FAILED(JobStatus.FAILED),
    @JsonProperty("canceled")
    CANCELED(JobStatus.CANCELED),
    @JsonProperty("expired")
    EXPIRED(JobStatus.EXPIRED),
    @JsonProperty("rejected")
    REJECTED(JobStatus.REJECTED);

    private final JobStatus status;

    LifecycleType(JobStatus status) {
        this.status = status;
    }

    public JobStatus status() {
        return status;
    }
}
