package io.inferbroker.ingress.internal;

import io.inferbroker.schemas.ControlAction;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Puts control commands (cancel) on the control topic, keyed by job id. The future completes when
 * Kafka acknowledged the command, and fails after the timeout. Thread-safe.
 */
public final class ControlSender {
    private final Producer<String, ControlCommand> producer;
    private final String topic;
    private final Duration timeout;
    private final Clock clock;

    public ControlSender(Producer<String, ControlCommand> producer, TopicNames topics, Duration timeout, Clock clock) {
        this.producer = producer;
        this.topic = topics.control();
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Asks for the job to be canceled, wherever it is. */
    public CompletableFuture<Void> cancel(String jobId, String tenantId, @Nullable String reason) {
        ControlCommand command = new ControlCommand(
                ControlCommand.VERSION, jobId, tenantId, ControlAction.CANCEL, reason, clock.instant());
        return AckedSend.send(producer, () -> new ProducerRecord<>(topic, jobId, command), timeout);
    }
}
