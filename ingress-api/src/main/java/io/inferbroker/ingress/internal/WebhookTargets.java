package io.inferbroker.ingress.internal;

import io.inferbroker.store.api.WebhookTargetPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Refuses, when it is registered, a webhook URL the dispatcher would refuse to connect to (see
 * {@link WebhookTargetPolicy}): 422 naming the field. Blocks on name resolution; thread-safe.
 */
public final class WebhookTargets {
    private final WebhookTargetPolicy policy;

    public WebhookTargets(WebhookTargetPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param url an absolute http(s) URL, already checked for form
     * @param pointer the JSON pointer of the field holding it
     * @throws ProblemException 422 when the URL aims at an address that is not allowed
     */
    public void check(String url, String pointer) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw Problems.validation(List.of(new Problem.FieldError(pointer, "is not a valid URL: " + e.getReason())));
        }
        policy.refusal(uri).ifPresent(reason -> {
            throw Problems.validation(List.of(new Problem.FieldError(pointer, reason)));
        });
    }
}
