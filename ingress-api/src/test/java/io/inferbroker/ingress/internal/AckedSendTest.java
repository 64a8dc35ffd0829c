package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferbroker.schemas.ControlAction;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.Partitioning;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Send, then Kafka's acknowledgement: one rule for the job submitter and the control sender. */
class AckedSendTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final TopicNames TOPICS = new TopicNames("t.");

    private final MockProducer<String, String> producer =
            new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());

    @Test
    void shouldCompleteOnlyWhenKafkaAcknowledged() {
        CompletableFuture<Void> acked = AckedSend.send(producer, () -> record("k"), LONG);

        assertThat(acked).isNotDone();
        assertThat(producer.history()).containsExactly(record("k"));
        producer.completeNext();
        assertThat(acked).isCompleted();
    }

    @Test
    void shouldFailWithTheProducersError() {
        CompletableFuture<Void> acked = AckedSend.send(producer, () -> record("k"), LONG);
        NotLeaderOrFollowerException refused = new NotLeaderOrFollowerException("moved");

        producer.errorNext(refused);

        assertThatThrownBy(acked::join).isInstanceOf(CompletionException.class).hasCause(refused);
    }

    @Test
    void shouldTurnAKafkaExceptionThrownWhileSendingOrMakingTheRecordIntoAFailedFuture() {
        producer.sendException = new KafkaException("producer closed");
        CompletableFuture<Void> sent = AckedSend.send(producer, () -> record("k"), LONG);
        CompletableFuture<Void> made = AckedSend.send(
                producer,
                () -> {
                    throw new KafkaException("no metadata");
                },
                LONG);

        assertThatThrownBy(sent::join).hasCauseInstanceOf(KafkaException.class).hasMessageContaining("closed");
        assertThatThrownBy(made::join).hasCauseInstanceOf(KafkaException.class).hasMessageContaining("no metadata");
    }

    @Test
    void shouldLetAnythingElseThrownWhileSendingThrough() {
        producer.sendException = new IllegalStateException("not a Kafka error");

        assertThatThrownBy(() -> AckedSend.send(producer, () -> record("k"), LONG))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldFailWithATimeoutWhenNoAcknowledgementCame() {
        CompletableFuture<Void> acked = AckedSend.send(producer, () -> record("k"), SHORT);

        assertThatThrownBy(acked::join).hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void shouldPutACancelOnTheControlTopicKeyedByJobAndWaitForItsAcknowledgement() {
        var control = new MockProducer<>(false, null, new StringSerializer(), WireSerdes.CONTROL_COMMAND);
        Instant now = Instant.parse("2026-02-03T04:05:06Z");
        var sender = new ControlSender(control, TOPICS, SHORT, Clock.fixed(now, ZoneOffset.UTC));

        CompletableFuture<Void> acked = sender.cancel("job-1", "acme", "user asked");
        CompletableFuture<Void> unanswered = sender.cancel("job-2", "acme", null);
        control.completeNext();

        assertThat(acked).isCompleted();
        assertThat(control.history().getFirst())
                .isEqualTo(new ProducerRecord<>(
                        TOPICS.control(),
                        "job-1",
                        new ControlCommand(
                                ControlCommand.VERSION, "job-1", "acme", ControlAction.CANCEL, "user asked", now)));
        assertThatThrownBy(unanswered::join).hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void shouldFailTheSubmitNotThrowWhenThePartitionCountCannotBeRead() {
        var requests = new MockProducer<>(false, null, new StringSerializer(), WireSerdes.JOB_REQUESTED);
        requests.partitionsForException = new KafkaException("no metadata for the requests topic");
        var submitter = new JobSubmitter(requests, TOPICS, LONG, Partitioning.ownKeys());

        CompletableFuture<Void> acked = submitter.submit(JobSubmitterIT.job("job-1", "m"));

        assertThatThrownBy(acked::join).hasCauseInstanceOf(KafkaException.class).hasMessageContaining("no metadata");
        assertThat(requests.history()).isEmpty();
    }

    private static ProducerRecord<String, String> record(String key) {
        return new ProducerRecord<>("topic", key, "value");
    }
}
