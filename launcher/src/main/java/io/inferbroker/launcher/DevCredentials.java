package io.inferbroker.launcher;

import io.inferbroker.store.api.ApiKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * The development tenant and API key of {@code broker serve}: made on first start and kept in
 * {@code <data-dir>/dev-credentials.properties} (readable by the owner only), so the key printed
 * stays the same across restarts.
 */
record DevCredentials(String tenantId, String apiKey) {
    private static final String FILE = "dev-credentials.properties";

    static DevCredentials ensure(Path dataDir, ApiKeyStore keys) {
        Path file = dataDir.resolve(FILE);
        DevCredentials creds = Files.exists(file) ? read(file) : create(file, keys);
        keys.registerKey(creds.tenantId(), creds.apiKey());
        return creds;
    }

    private static DevCredentials create(Path file, ApiKeyStore keys) {
        String tenant = keys.createTenant("development");
        DevCredentials creds = new DevCredentials(tenant, randomKey("ib_"));
        Properties p = new Properties();
        p.setProperty("tenant_id", creds.tenantId());
        p.setProperty("api_key", creds.apiKey());
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                p.store(out, "development credentials of broker serve; delete to make new ones");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return creds;
    }

    private static DevCredentials read(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String tenant = p.getProperty("tenant_id", "");
        String key = p.getProperty("api_key", "");
        if (tenant.isBlank() || key.isBlank()) {
            throw new ConfigException(file + " is incomplete; delete it to make new development credentials");
        }
        return new DevCredentials(tenant, key);
    }

    static String randomKey(String prefix) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "DevCredentials[tenantId=" + tenantId + ", apiKey=****]";
    }
}
