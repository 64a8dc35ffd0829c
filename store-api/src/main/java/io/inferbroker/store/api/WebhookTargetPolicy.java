package io.inferbroker.store.api;

import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The check of a webhook URL when it is registered (a subscription, or a job's own webhook): the URL
 * is refused when its host is, or resolves to, an address the dispatcher would refuse to connect to
 * (private, loopback, link-local with the cloud metadata address, unique-local, carrier-grade NAT,
 * unspecified, multicast) and {@code webhooks.allow_list} does not cover it. It is the same rule the
 * dispatcher applies before each connection, which still guards: what a name resolves to may change.
 *
 * <p>A name that does not resolve now is accepted, since a receiver's DNS record may be published
 * after its URL is registered; the dispatcher refuses it at connect time if it then resolves to a
 * refused address. Blocks on name resolution; immutable and thread-safe.
 */
public final class WebhookTargetPolicy {
    private final AddressPolicy policy;

    /**
     * @param allowList addresses or CIDR blocks that targets may resolve to although internal
     * @throws IllegalArgumentException naming {@code webhooks.allow_list} when an entry is not one
     */
    public WebhookTargetPolicy(List<String> allowList) {
        this.policy = new AddressPolicy(allowList);
    }

    /**
     * Why a URL may not be registered, or empty when it may.
     *
     * @param url an absolute http(s) URL with a host (the caller has checked its form)
     */
    public Optional<String> refusal(URI url) {
        String host = url.getHost();
        if (host == null) {
            return Optional.of("has no host");
        }
        try {
            policy.resolve(host);
            return Optional.empty();
        } catch (RefusedTargetException e) {
            return Optional.of(
                    "must not point at a private, loopback, link-local or other internal address; " + e.getMessage());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
