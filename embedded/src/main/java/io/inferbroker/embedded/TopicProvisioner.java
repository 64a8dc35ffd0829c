package io.inferbroker.embedded;

import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Creates the catalogue's topics that do not exist yet; existing topics are left as they are.
 * Works on any Kafka cluster; replication factor comes from the broker's default.
 */
public final class TopicProvisioner {
    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /**
     * Ensures every catalogue topic exists under {@code names}.
     *
     * @param partitions overrides the catalogue's partition counts when present
     * @return the names of the topics it created
     * @throws KafkaUnavailableException when the cluster does not answer in time
     */
    public List<String> ensureAll(TopicNames names, Optional<Integer> partitions) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                String name = names.name(topic);
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, Optional.of(partitions.orElse(topic.partitions())), Optional.empty())
                            .configs(topic.configs()));
                }
            }
            if (!missing.isEmpty()) {
                createIgnoringRaces(missing);
                awaitVisible(missing.stream().map(NewTopic::name).toList());
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("cannot list or create topics: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while creating topics", e);
        }
    }

    private void createIgnoringRaces(List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        var result = admin.createTopics(missing);
        for (var entry : result.values().entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /** Creation is acknowledged by the controller before every broker serves the new topics' metadata. */
    private void awaitVisible(List<String> created) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!admin.listTopics()
                .names()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .containsAll(created)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("created topics not visible after " + timeout + ": " + created);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(
                    Duration.ofMillis(20).toNanos());
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
