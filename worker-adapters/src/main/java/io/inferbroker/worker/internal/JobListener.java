package io.inferbroker.worker.internal;

import io.inferbroker.schemas.JobResult;

/** Told about the worker's jobs, on the threads that publish them; must return quickly. */
interface JobListener {

    /** The number of jobs in flight changed. */
    void inFlightChanged();

    /** A job's result was published. */
    void finished(JobResult result);
}
