package io.inferbroker.ingress.internal;

/**
 * One submission as admission sees it.
 *
 * @param tenantId who submits
 * @param model the configured model asked for
 * @param estimatedTokens prompt plus completion tokens, as {@link TokenEstimate} counts them
 */
record AdmissionRequest(String tenantId, String model, long estimatedTokens) {

    public AdmissionRequest {
        if (estimatedTokens < 0) {
            throw new IllegalArgumentException("estimated tokens must be >= 0, was " + estimatedTokens);
        }
    }
}
