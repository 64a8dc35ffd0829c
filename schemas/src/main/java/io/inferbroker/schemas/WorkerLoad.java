package io.inferbroker.schemas;

/**
 * What one dispatcher task knows about a worker, published inside a {@link QueueStatus}: the jobs
 * it sent the worker without a result yet, and its circuit breaker.
 *
 * @param workerId the worker
 * @param outstanding jobs this task dispatched to the worker that have no result yet
 * @param breaker the task's circuit breaker for the worker: {@code closed}, {@code open} or {@code half_open}
 */
public record WorkerLoad(String workerId, int outstanding, String breaker) {}
