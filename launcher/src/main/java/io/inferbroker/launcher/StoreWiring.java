package io.inferbroker.launcher;

import io.inferbroker.ingress.ReadinessCheck;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WebhookDelivery;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.StoreRetention;
import io.inferbroker.store.WebhookDispatcher;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The store role: the result sink, the webhook dispatcher (publishing each attempt to the webhooks
 * topic) and retention; the sink and the dispatcher count in the process's readiness. Several store processes may run on one database: the sink shares partitions
 * through its consumer group, dispatchers claim messages with leases, retention deletes in batches.
 */
final class StoreWiring {
    private StoreWiring() {}

    static void start(
            BrokerProcess process, BrokerConfig config, StoreDatabase db, TopicNames topics, Properties kafka) {
        Properties sinkProps = new Properties();
        sinkProps.putAll(kafka);
        if (config.kafkaBootstrapServers().isEmpty()) {
            // 'broker serve' on its own embedded Kafka: no other process can hold this id, so a static
            // member is safe, and after a kill the restarted sink takes its partitions back at once.
            sinkProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "serve-result-store");
        }
        ResultSink sink = process.own(new ResultSink(
                db, topics, sinkProps, topics.prefix() + "result-store", process.registry(), process.clock()));
        sink.start();
        process.addReadiness(new ReadinessCheck("result-store", sink::isReady));

        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        KafkaProducer<String, WebhookDelivery> audit =
                process.own(new KafkaProducer<>(p, new StringSerializer(), WireSerdes.WEBHOOK_DELIVERY));
        WebhookDispatcher dispatcher = process.own(
                WebhookDispatcher.start(db, config.webhooks(), audit, topics, process.registry(), process.clock()));
        process.addReadiness(new ReadinessCheck("webhook-dispatcher", dispatcher::isHealthy));
        process.own(StoreRetention.start(db, config.retention(), process.registry(), process.clock()));
    }
}
