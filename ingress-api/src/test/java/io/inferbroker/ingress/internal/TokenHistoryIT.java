package io.inferbroker.ingress.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.InfraExtension;
import io.inferbroker.testkit.KafkaInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reading a job's tokens back from the tokens topic, on a real broker. */
@ExtendWith(InfraExtension.class)
class TokenHistoryIT {
    /** Two hours ago: Kafka refuses record times more than an hour ahead of its clock. */
    private static final Instant T = Instant.now().minus(Duration.ofHours(2));

    private KafkaInfra kafka;
    private KafkaProducer<String, TokenDelta> tokens;
    private TokenHistory history;

    @BeforeEach
    void start(KafkaInfra kafka) {
        this.kafka = kafka;
        tokens = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), WireSerdes.TOKEN_DELTA);
        history = new TokenHistory(kafka.clientProps(), kafka.topics().tokens(), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        history.close();
        tokens.close();
    }

    @Test
    void shouldReadAFinishedJobsTokensWithoutWhatItsPartitionTookAfterIt() throws Exception {
        String job = UUID.randomUUID().toString();
        int partition = partitionOf(job);
        List<String> texts = List.of("only", " these", " three");
        for (int i = 0; i < texts.size(); i++) {
            send(partition, job, i + 1, texts.get(i), T.plusMillis(i));
        }
        // A busy partition: a later hour of other jobs' tokens.
        for (int i = 0; i < 500; i++) {
            send(partition, "other-" + i, 1, "x", T.plus(Duration.ofHours(1)).plusMillis(i));
        }
        tokens.flush();

        List<TokenDelta> read = history.read(job, T, T.plusMillis(texts.size()));

        assertThat(read).extracting(TokenDelta::text).isEqualTo(texts);
        assertThat(history.recordsScanned())
                .as("the records of the job's own time, not the hour after it")
                .isEqualTo(texts.size());
    }

    @Test
    void shouldReadALiveJobsTokensUpToTheEndOfItsPartition() throws Exception {
        String job = UUID.randomUUID().toString();
        int partition = partitionOf(job);
        send(partition, job, 1, "early", T);
        send(partition, "other", 1, "x", T.plus(Duration.ofHours(1)));
        send(partition, job, 2, " late", T.plus(Duration.ofHours(1)).plusMillis(1));
        tokens.flush();

        List<TokenDelta> read = history.read(job, T, null);

        assertThat(read).extracting(TokenDelta::text).containsExactly("early", " late");
    }

    private void send(int partition, String job, long seq, String text, Instant at) throws Exception {
        tokens.send(new ProducerRecord<>(
                        kafka.topics().tokens(),
                        partition,
                        at.toEpochMilli(),
                        job,
                        new TokenDelta(TokenDelta.VERSION, job, 1, seq, 0, text, at)))
                .get();
    }

    private int partitionOf(String job) {
        int partitions = tokens.partitionsFor(kafka.topics().tokens()).size();
        return Utils.toPositive(Utils.murmur2(job.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
