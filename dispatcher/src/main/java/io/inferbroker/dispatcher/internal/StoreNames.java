package io.inferbroker.dispatcher.internal;

/**
 * Names of the dispatcher's state stores; changelog topics are named after them.
 *
 * <p>Names of earlier layouts are not reused, so a store never restores records of another format:
 * {@code dispatcher-jobs}, {@code dispatcher-queue}, {@code dispatcher-in-flight} and {@code
 * dispatcher-retire} (replaced by {@link #ACTIVE} and {@link #DONE}), {@code dispatcher-outstanding}
 * (replaced by the in-flight store).
 */
public final class StoreNames {
    /** Global: latest status per worker id. */
    public static final String WORKERS = "dispatcher-workers";
    /** Job id to {@link ActiveJob}: the jobs of a task that are queued or in flight, with their requests. */
    public static final String ACTIVE = "dispatcher-active";
    /**
     * Window store, job id to {@code DoneMark}: finished jobs and cancels that came before their job,
     * remembered for the dedupe retention ({@code DoneJobs}).
     */
    public static final String DONE = "dispatcher-done";
    /** Tenant id to {@link BudgetLedger}: what a tenant with a budget spent and reserved. */
    public static final String BUDGETS = "dispatcher-budgets";
    /** Job id to {@link Reservation}: what admission reserved for a job of a tenant with a budget. */
    public static final String RESERVATIONS = "dispatcher-reservations";
    /** Name of the repartition step (topic {@code <application id>-dispatcher-by-model-repartition}). */
    public static final String BY_MODEL = "dispatcher-by-model";
    /** Name of the budget repartition step (topic {@code <application id>-dispatcher-by-tenant-repartition}). */
    public static final String BY_TENANT = "dispatcher-by-tenant";

    private StoreNames() {}
}
