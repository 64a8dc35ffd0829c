package io.inferbroker.dispatcher.internal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * Value of the dispatcher's repartition topics: everything the owner of a model's queue (or of a
 * tenant's budget) must hear about, re-keyed by model group (cancels are sent to every partition,
 * see {@link CancelBroadcastPartitioner}) or by tenant.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Envelope.Admit.class, name = "admit"),
    @JsonSubTypes.Type(value = Envelope.Finish.class, name = "finish"),
    @JsonSubTypes.Type(value = Envelope.Cancel.class, name = "cancel")
})
sealed interface Envelope {

    /** A job the ingress accepted (and, for a tenant with a budget, the budget admitted). */
    record Admit(JobRequested job) implements Envelope {}

    /** A job reached a terminal state (seen on the results topic), with its actual cost if known. */
    record Finish(
            String jobId,
            String model,
            String tenantId,
            JobStatus status,
            @Nullable String workerId,
            @Nullable Cost cost)
            implements Envelope {}

    /** A client asked to cancel a job. */
    record Cancel(String jobId, String tenantId, @Nullable String reason) implements Envelope {}
}
