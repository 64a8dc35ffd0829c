package io.inferbroker.launcher;

import io.inferbroker.store.RetentionConfig;
import io.inferbroker.store.WebhookConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything a broker process is configured with, read once at start. Empty Kafka or database
 * settings mean "start the embedded one" (only {@code broker serve} may do that).
 *
 * @param requestsPerMinute default per-tenant rate limit of the ingress; 0 = unlimited
 * @param tokensPerMinute default per-tenant limit of estimated tokens per minute; 0 = unlimited
 * @param syncTimeout how long the OpenAI-compatible endpoints wait for a job ({@code http.sync_timeout_ms})
 * @param streamBufferEvents events a job stream holds for a slow client ({@code http.stream_buffer_events})
 * @param socketSendBufferBytes kernel send buffer per HTTP connection, 0 = the system's ({@code http.socket_send_buffer_bytes})
 * @param budgets per-tenant spending limits the dispatcher enforces ({@code budgets})
 * @param webhooks webhook delivery of the store role ({@code webhooks.*})
 * @param retention how long the store keeps finished jobs ({@code store.*})
 * @param dispatcher the dispatcher's own settings ({@code dispatcher.*})
 */
public record BrokerConfig(
        String host,
        int port,
        Path dataDir,
        Optional<String> kafkaBootstrapServers,
        String topicPrefix,
        Optional<String> dbUrl,
        String dbUser,
        Secret dbPassword,
        int dbPoolSize,
        String dbSchema,
        long maxBodyBytes,
        Duration submitTimeout,
        String publicBaseUrl,
        Optional<Secret> adminKey,
        List<ModelSpec> models,
        List<WorkerSpec> workers,
        int requestsPerMinute,
        int tokensPerMinute,
        Duration syncTimeout,
        int streamBufferEvents,
        int socketSendBufferBytes,
        List<BudgetSpec> budgets,
        WebhookConfig webhooks,
        RetentionConfig retention,
        DispatcherSettings dispatcher) {

    public BrokerConfig {
        budgets = List.copyOf(budgets);
        models = List.copyOf(models);
        workers = List.copyOf(workers);
    }

    /** A value that never prints. */
    public record Secret(String value) {
        @Override
        public String toString() {
            return value.isEmpty() ? "" : "****";
        }
    }
}
