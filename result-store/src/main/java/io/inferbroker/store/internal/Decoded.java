package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;

/** One consumed record, read into the value its topic carries, or found unusable. */
public sealed interface Decoded {

    Source source();

    /** The job id the record is about; empty for poison. */
    String jobId();

    /** A job accepted by the ingress. */
    record Request(Source source, JobRequested value) implements Decoded {
        @Override
        public String jobId() {
            return value.jobId();
        }
    }

    /** A lifecycle transition. */
    record Event(Source source, LifecycleEvent value) implements Decoded {
        @Override
        public String jobId() {
            return value.jobId();
        }
    }

    /** A terminal outcome of one attempt. */
    record Result(Source source, JobResult value) implements Decoded {
        @Override
        public String jobId() {
            return value.jobId();
        }
    }

    /** A record that cannot be stored (unreadable, or missing required fields): logged and skipped. */
    record Poison(Source source, String reason) implements Decoded {
        @Override
        public String jobId() {
            return "";
        }
    }
}
