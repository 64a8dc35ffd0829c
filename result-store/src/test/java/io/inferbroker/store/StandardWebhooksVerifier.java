package io.inferbroker.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's verification of Standard Webhooks v1, written from the specification
 * (standardwebhooks.com, "Verifying webhooks") and independent of the broker's signer: the signed
 * content is {@code id.timestamp.body}; the key is the base64 after {@code whsec_}; the header holds
 * space-separated {@code version,signature} pairs of which one {@code v1} must match (compared in
 * constant time); the timestamp must be within the tolerance of now.
 */
public final class StandardWebhooksVerifier {
    private static final long TOLERANCE_SECONDS = 5 * 60;

    private final byte[] key;

    public StandardWebhooksVerifier(String secret) {
        String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        this.key = Base64.getDecoder().decode(b64);
    }

    /** True when the headers (lower-case names) carry a valid, timely signature of the body. */
    public boolean verify(Map<String, String> headers, String body, long nowEpochSeconds) {
        String id = headers.get("webhook-id");
        String timestamp = headers.get("webhook-timestamp");
        String signatures = headers.get("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return false;
        }
        long ts = Long.parseLong(timestamp);
        if (Math.abs(nowEpochSeconds - ts) > TOLERANCE_SECONDS) {
            return false;
        }
        byte[] expected = hmac((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        for (String versioned : List.of(signatures.split(" "))) {
            String[] parts = versioned.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(parts[1]);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return true;
                }
            }
        }
        return false;
    }

    private byte[] hmac(byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
