package io.inferbroker.schemas;

/** One serde per topic value type, each {@linkplain JsonSerde#checked checked} against the contract. */
public final class WireSerdes {
    private WireSerdes() {}

    public static final JsonSerde<JobRequested> JOB_REQUESTED = JsonSerde.checked(JobRequested.class);
    public static final JsonSerde<ControlCommand> CONTROL_COMMAND = JsonSerde.checked(ControlCommand.class);
    public static final JsonSerde<DispatchBatch> DISPATCH_BATCH = JsonSerde.checked(DispatchBatch.class);
    public static final JsonSerde<TokenDelta> TOKEN_DELTA = JsonSerde.checked(TokenDelta.class);
    public static final JsonSerde<JobResult> JOB_RESULT = JsonSerde.checked(JobResult.class);
    public static final JsonSerde<LifecycleEvent> LIFECYCLE_EVENT = JsonSerde.checked(LifecycleEvent.class);
    public static final JsonSerde<WorkerStatus> WORKER_STATUS = JsonSerde.checked(WorkerStatus.class);
    public static final JsonSerde<WebhookDelivery> WEBHOOK_DELIVERY = JsonSerde.checked(WebhookDelivery.class);
    public static final JsonSerde<QueueStatus> QUEUE_STATUS = JsonSerde.checked(QueueStatus.class);
    public static final JsonSerde<DeadLetter> DEAD_LETTER = JsonSerde.checked(DeadLetter.class);
}
