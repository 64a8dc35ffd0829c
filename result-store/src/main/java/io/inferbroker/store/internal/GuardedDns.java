package io.inferbroker.store.internal;

import io.inferbroker.store.api.AddressPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * Resolves webhook hosts and refuses the name when any address it resolves to is refused by the
 * {@link AddressPolicy}; OkHttp resolves before each new connection, so this holds at connect time,
 * not only when a URL was registered. {@link GuardedSocketFactory} checks again on connect. Thread-safe.
 */
final class GuardedDns implements Dns {
    private final AddressPolicy policy;

    GuardedDns(AddressPolicy policy) {
        this.policy = policy;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        return policy.resolve(hostname);
    }
}
