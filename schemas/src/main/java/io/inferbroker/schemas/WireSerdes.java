package io.inferbroker.schemas;

/** One serde per topic value type. */
public final class WireSerdes {
    private WireSerdes() {}

    public static final JsonSerde<JobRequested> JOB_REQUESTED = JsonSerde.of(JobRequested.class);
    public static final JsonSerde<ControlCommand> CONTROL_COMMAND = JsonSerde.of(ControlCommand.class);
    public static final JsonSerde<DispatchBatch> DISPATCH_BATCH = JsonSerde.of(DispatchBatch.class);
    public static final JsonSerde<TokenDelta> TOKEN_DELTA = JsonSerde.of(TokenDelta.class);
    public static final JsonSerde<JobResult> JOB_RESULT = JsonSerde.of(JobResult.class);
    public static final JsonSerde<LifecycleEvent> LIFECYCLE_EVENT = JsonSerde.of(LifecycleEvent.class);
    public static final JsonSerde<WorkerStatus> WORKER_STATUS = JsonSerde.of(WorkerStatus.class);
    public static final JsonSerde<WebhookDelivery> WEBHOOK_DELIVERY = JsonSerde.of(WebhookDelivery.class);
    public static final JsonSerde<QueueStatus> QUEUE_STATUS = JsonSerde.of(QueueStatus.class);
}
