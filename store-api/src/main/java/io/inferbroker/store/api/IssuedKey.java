package io.inferbroker.store.api;

/**
 * A newly issued API key. The store keeps only the secret's hash, so this is the one time the secret
 * is available; {@link #toString()} does not show it.
 *
 * @param keyId stable public id of the key ({@code key_...}), safe to log
 * @param secret the bearer token ({@code ib_...}), to hand to the client once
 */
public record IssuedKey(String keyId, String secret) {
    @Override
    public String toString() {
        return "IssuedKey[keyId=" + keyId + ", secret=****]";
    }
}
