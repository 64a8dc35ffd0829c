package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of one webhook delivery attempt. */
public enum DeliveryOutcome {
    @JsonProperty("delivered")
    DELIVERED,
    @JsonProperty("failed")
    FAILED,
    @JsonProperty("exhausted")
    EXHAUSTED,
    @JsonProperty("refused")
    REFUSED,
    @JsonProperty("disabled")
    DISABLED
}
