package io.inferbroker.launcher;

import io.inferbroker.embedded.KafkaUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether Kafka answers: checked once, blocking, at start (with a clear error naming the setting),
 * then every few seconds in the background for {@code /health/ready}. Owns one admin client.
 */
final class KafkaHealth implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Admin admin;
    private final AtomicBoolean up = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-health");
        t.setDaemon(true);
        return t;
    });

    private KafkaHealth(Admin admin) {
        this.admin = admin;
    }

    /**
     * @param source where the bootstrap servers came from, for the error message
     * @throws KafkaUnavailableException when Kafka does not answer within {@code timeout}
     */
    static KafkaHealth connect(String bootstrap, String source, Duration timeout) {
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()));
        KafkaHealth health = new KafkaHealth(admin);
        try {
            health.probe(timeout);
        } catch (ExecutionException | TimeoutException e) {
            admin.close(Duration.ZERO);
            throw new KafkaUnavailableException(
                    "cannot reach Kafka at " + bootstrap + " (from " + source + ") within " + timeout.toSeconds()
                            + " s; is it running and reachable?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admin.close(Duration.ZERO);
            throw new KafkaUnavailableException("interrupted while connecting to Kafka", e);
        }
        health.up.set(true);
        health.timer.scheduleWithFixedDelay(
                health::refresh, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return health;
    }

    Admin admin() {
        return admin;
    }

    boolean isUp() {
        return up.get();
    }

    private void probe(Duration timeout) throws ExecutionException, TimeoutException, InterruptedException {
        admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                .clusterId()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            probe(INTERVAL);
            up.set(true);
        } catch (ExecutionException | TimeoutException e) {
            up.set(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
