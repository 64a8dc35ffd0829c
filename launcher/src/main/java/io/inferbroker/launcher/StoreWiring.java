package io.inferbroker.launcher;

import io.inferbroker.ingress.ReadinessCheck;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.store.ResultSink;
import io.inferbroker.store.StoreDatabase;
import io.inferbroker.store.StoreRetention;
import io.inferbroker.store.WebhookDispatcher;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;

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

        WebhookDispatcher dispatcher = process.own(WebhookDispatcher.startPublishing(
                db, config.webhooks(), kafka, topics, process.registry(), process.clock()));
        process.addReadiness(new ReadinessCheck("webhook-dispatcher", dispatcher::isHealthy));
        process.own(StoreRetention.start(db, config.retention(), process.registry(), process.clock()));
    }
}
