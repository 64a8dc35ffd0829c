package io.inferbroker.dispatcher.internal;

/** Names of the dispatcher's state stores; changelog topics are named after them. */
public final class StoreNames {
    /** Global: latest status per worker id. */
    public static final String WORKERS = "dispatcher-workers";
    /** Job id to {@link JobEntry}: dedupe, cancel and result bookkeeping. */
    public static final String JOBS = "dispatcher-jobs";
    /** Queue key to {@link QueuedJob}: the queues, ordered by model, priority, acceptance. */
    public static final String QUEUE = "dispatcher-queue";
    /** Worker id and job id to dispatch time: jobs outstanding on workers. */
    public static final String OUTSTANDING = "dispatcher-outstanding";
    /** Retirement time and job id: when remembered job ids may be forgotten. */
    public static final String RETIRE = "dispatcher-retire";
    /** Name of the repartition step (topic {@code <application id>-dispatcher-by-model-repartition}). */
    public static final String BY_MODEL = "dispatcher-by-model";

    private StoreNames() {}
}
