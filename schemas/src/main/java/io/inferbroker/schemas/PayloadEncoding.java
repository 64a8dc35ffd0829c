package io.inferbroker.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a {@link DeadLetter} carries raw bytes: as the text they encode, or in base64 when they are not UTF-8. */
public enum PayloadEncoding {
    @JsonProperty("utf8")
    UTF8,
    @JsonProperty("base64")
    BASE64
}
