package io.inferbroker.store.internal;

import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import org.jspecify.annotations.Nullable;

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

    /**
     * A record that cannot be stored (unreadable, or breaking the contract): dead-lettered and skipped.
     *
     * @param field the wire path of the field at fault, when one is
     */
    record Poison(Source source, String reason, @Nullable String field) implements Decoded {
        public Poison(Source source, String reason) {
            this(source, reason, null);
        }

        @Override
        public String jobId() {
            return "";
        }
    }
}
