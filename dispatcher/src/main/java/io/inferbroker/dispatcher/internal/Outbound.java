package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.QueueStatus;

/** What the dispatcher's processors emit; the topology sends each kind to its topic. */
public sealed interface Outbound {

    /** To the dispatch topic, keyed by worker id. */
    record Batch(DispatchBatch batch) implements Outbound {}

    /** To the events topic, keyed by job id. */
    record Event(LifecycleEvent event) implements Outbound {}

    /** To the results topic, keyed by job id. */
    record Result(JobResult result) implements Outbound {}

    /** To the compacted queues topic, keyed by model. */
    record Queue(QueueStatus status) implements Outbound {}

    /** A job the budget admitted: on to its model's queue. */
    record Admitted(JobRequested job) implements Outbound {}
}
