package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a control command asks for. */
public enum ControlAction {
    @JsonProperty("cancel")
    CANCEL
}
