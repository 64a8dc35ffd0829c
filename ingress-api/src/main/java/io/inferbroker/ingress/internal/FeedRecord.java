package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;

/** One record of a job as the {@link JobFeed} hands it to the job's subscribers. */
sealed interface FeedRecord {

    String jobId();

    /** A token delta from the tokens topic. */
    record Token(TokenDelta delta) implements FeedRecord {
        @Override
        public String jobId() {
            return delta.jobId();
        }
    }

    /** A lifecycle transition from the events topic. */
    record Status(LifecycleEvent event) implements FeedRecord {
        @Override
        public String jobId() {
            return event.jobId();
        }
    }

    /** The terminal outcome from the results topic; nothing of interest follows it. */
    record Result(JobResult result) implements FeedRecord {
        @Override
        public String jobId() {
            return result.jobId();
        }
    }
}
