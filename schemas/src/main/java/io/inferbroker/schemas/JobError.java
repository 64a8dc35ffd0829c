package io.inferbroker.schemas;

/** Why a job did not succeed: a stable machine-readable code and a human message. */
public record JobError(String code, String message) {}
