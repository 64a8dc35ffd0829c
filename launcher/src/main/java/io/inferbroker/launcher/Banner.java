package io.inferbroker.launcher;

import io.inferbroker.store.StoreDatabase;
import java.io.PrintStream;
import java.util.Optional;
import java.util.Set;

/** What {@code broker} prints once it is up: where to find it and, for serve, how to call it. */
final class Banner {
    private Banner() {}

    static void print(
            PrintStream out,
            BrokerConfig config,
            BrokerProcess process,
            Optional<StoreDatabase> devDb,
            Set<Role> roles) {
        String host = "0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host();
        String url = "http://" + host + ":" + process.port();
        out.println();
        out.println("Inferbroker is up at " + url + "  (roles: " + roles + ")");
        devDb.ifPresent(db -> {
            DevCredentials creds = DevCredentials.ensure(config.dataDir(), db.apiKeys());
            String admin = config.adminKey().map(BrokerConfig.Secret::value).orElse("");
            out.println("  data directory:      " + config.dataDir().toAbsolutePath());
            out.println("  development API key: " + creds.apiKey());
            if (admin.isEmpty()) {
                out.println("  admin key:           " + process.generatedAdminKey()
                        + "  (generated for this run; set BROKER_ADMIN_KEY to choose one)");
            } else {
                out.println("  admin key:           from BROKER_ADMIN_KEY");
            }
            out.println();
            out.println("Try it:");
            String model = config.models().getFirst().id();
            out.println("  curl -s " + url + "/v1/jobs -H 'Authorization: Bearer " + creds.apiKey() + "' \\");
            out.println("    -H 'Content-Type: application/json' \\");
            out.println(
                    "    -d '{\"model\":\"" + model
                            + "\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello broker\"}],\"max_tokens\":8}}'");
            out.println("  curl -s " + url + "/v1/jobs/<id> -H 'Authorization: Bearer " + creds.apiKey() + "'");
        });
        out.println("  health: " + url + "/health/ready   metrics: " + url + "/metrics");
        out.flush();
    }
}
