package io.inferbroker.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Records written to every topic of a Kafka cluster (the sum of its partitions' end offsets), the
 * internal topics of Kafka Streams included: what the whole path writes per job, topic by topic.
 */
final class TopicRecords {
    private TopicRecords() {}

    /** End offsets summed per topic, Kafka's own internal topics left out. */
    static Map<String, Long> count(String bootstrapServers) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (TopicDescription d : admin.describeTopics(names)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .values()) {
                d.partitions().forEach(i -> ends.put(new TopicPartition(d.name(), i.partition()), OffsetSpec.latest()));
            }
            Map<String, Long> byTopic = new TreeMap<>();
            admin.listOffsets(ends)
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> byTopic.merge(tp.topic(), info.offset(), Long::sum));
            return byTopic;
        }
    }

    /** Prints the records per job each topic gained between two counts, the largest first. */
    static void print(Map<String, Long> before, Map<String, Long> after, long jobs) {
        long all = 0;
        Map<String, Long> gained = new HashMap<>();
        for (var e : after.entrySet()) {
            long n = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (n > 0) {
                gained.put(e.getKey(), n);
                all += n;
            }
        }
        System.out.printf(
                "  Kafka records written per accepted job: %.2f in all (offsets; a transaction marker counts as one)%n",
                all / (double) Math.max(1, jobs));
        gained.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(
                        "    %7.2f  %s%n", e.getValue() / (double) Math.max(1, jobs), shorten(e.getKey())));
    }

    private static String shorten(String topic) {
        return topic.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }
}
