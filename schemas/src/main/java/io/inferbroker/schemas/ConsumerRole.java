package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The part of the broker that consumed a record, as named in a {@link DeadLetter}. */
public enum ConsumerRole {
    @JsonProperty("dispatcher")
    DISPATCHER,
    @JsonProperty("worker")
    WORKER,
    @JsonProperty("store")
    STORE,
    @JsonProperty("ingress")
    INGRESS;

    /** The name on the wire and in metric tags. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
