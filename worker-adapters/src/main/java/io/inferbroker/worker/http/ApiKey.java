package io.inferbroker.worker.http;

/**
 * A model server's API key. It never prints: {@link #toString()} shows {@code ****} (or nothing for
 * no key), so configs and logs holding it stay safe to print.
 *
 * @param value the key; empty for a server that needs none
 */
public record ApiKey(String value) {
    public static final ApiKey NONE = new ApiKey("");

    public boolean isPresent() {
        return !value.isEmpty();
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "" : "****";
    }
}
