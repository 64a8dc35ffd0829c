package io.inferbroker.testkit;

import io.inferbroker.schemas.TopicNames;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * One test's view of the shared Kafka broker: its bootstrap servers and a fresh set of catalogue
 * topics under a prefix no other test uses.
 */
public record KafkaInfra(String bootstrapServers, TopicNames topics) {

    /** Producer settings: acks=all and idempotence, like the broker's own producers. Add serializers. */
    public Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return p;
    }

    /** Consumer settings reading from the beginning in a group named after this test's prefix. */
    public Properties consumerProps(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, topics.prefix() + group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /** Just the bootstrap servers, for clients that set everything else themselves. */
    public Properties clientProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** A reader of one topic from its beginning; close it after use. */
    public <V> TopicProbe<V> probe(String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
        return new TopicProbe<>(bootstrapServers, topic, values);
    }
}
