package io.inferbroker.store.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random ids and API key secrets, and the hash under which a secret is stored. Thread-safe. */
public final class Secrets {
    static final String TENANT_PREFIX = "ten_";
    static final String KEY_PREFIX = "key_";
    static final String SECRET_PREFIX = "ib_";

    private final SecureRandom random;

    public Secrets(SecureRandom random) {
        this.random = random;
    }

    public String tenantId() {
        return TENANT_PREFIX + hex(12);
    }

    public String keyId() {
        return KEY_PREFIX + hex(12);
    }

    /** {@code ib_} followed by 32 random bytes in unpadded base64url. */
    public String secret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** SHA-256 of the secret's UTF-8 bytes. */
    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
