package io.inferbroker.store.internal;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} under the
 * key that a {@code whsec_<base64>} secret encodes, one per active secret, space-separated.
 * Thread-safe.
 */
public final class WebhookSigner {
    public static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;

    private WebhookSigner() {}

    /** A new secret: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret(SecureRandom random) {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header value: one {@code v1,} signature per secret. */
    public static String signatures(List<String> secrets, String id, long timestamp, String body) {
        return secrets.stream().map(s -> sign(s, id, timestamp, body)).collect(Collectors.joining(" "));
    }

    /** One {@code v1,<base64>} signature. */
    public static String sign(String secret, String id, long timestamp, String body) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key = Base64.getDecoder().decode(encoded);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM or the key is empty", e);
        }
    }
}
