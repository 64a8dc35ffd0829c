package io.inferbroker.dispatcher.internal;

/** Names of the dispatcher's state stores; changelog topics are named after them. */
public final class StoreNames {
    /** Global: latest status per worker id. */
    public static final String WORKERS = "dispatcher-workers";
    /** Job id to {@link JobEntry}: dedupe, cancel and result bookkeeping. */
    public static final String JOBS = "dispatcher-jobs";
    /** Queue key to {@link QueuedJob}: the queues, ordered by model, priority, acceptance. */
    public static final String QUEUE = "dispatcher-queue";
    /** Worker id and job id to {@link InFlight}: jobs outstanding on workers. */
    public static final String IN_FLIGHT = "dispatcher-in-flight";
    /** Tenant id to {@link BudgetLedger}: what a tenant with a budget spent and reserved. */
    public static final String BUDGETS = "dispatcher-budgets";
    /** Job id to {@link Reservation}: what admission reserved for a job of a tenant with a budget. */
    public static final String RESERVATIONS = "dispatcher-reservations";
    /** Retirement time and job id: when remembered job ids may be forgotten. */
    public static final String RETIRE = "dispatcher-retire";
    /** Name of the repartition step (topic {@code <application id>-dispatcher-by-model-repartition}). */
    public static final String BY_MODEL = "dispatcher-by-model";
    /** Name of the budget repartition step (topic {@code <application id>-dispatcher-by-tenant-repartition}). */
    public static final String BY_TENANT = "dispatcher-by-tenant";

    private StoreNames() {}
}
