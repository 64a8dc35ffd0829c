package io.inferbroker.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The baseline of one Kafka hop on the broker under test: a record produced ({@code acks=all},
 * {@code linger.ms} 0) and read back by a consumer, one at a time, on a scratch topic. The sync
 * path crosses four such hops (requests, repartition, dispatch, results), so four of these bound
 * from below what the broker's overhead can be on this machine right now.
 */
final class KafkaRoundTrip {
    private static final String TOPIC = "bench.round-trip";

    private KafkaRoundTrip() {}

    /** Median and 99th percentile of {@code n} round trips, in microseconds. */
    static Histogram measure(String bootstrap, int n) throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Histogram h = new Histogram(3);
        try (var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
                var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v"));
                while (consumer.poll(Duration.ofMillis(500)).isEmpty()) {
                    // the record is on its way
                }
                if (i >= n / 10) { // the first tenth warms the clients up
                    h.recordValue((System.nanoTime() - t0) / 1000);
                }
            }
        }
        return h;
    }
}
