package io.inferbroker.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What Kafka says happened: every record of the results and events topics, read from the start to
 * the end offsets at the time of the audit (no consumer group, nothing committed), counted per job.
 */
final class TopicAudit {
    /** Jobs with more than one terminal result, and jobs run more than once without a requeue explaining it. */
    record Findings(
            int resultRecords,
            int eventRecords,
            Map<String, Integer> resultsPerJob,
            List<String> duplicateResults,
            List<String> unexplainedReruns,
            int requeues) {}

    private TopicAudit() {}

    static Findings read(String bootstrap, String resultsTopic, String eventsTopic) {
        Map<String, Integer> results = new HashMap<>();
        Map<String, Set<String>> runs = new HashMap<>();
        Map<String, Set<Integer>> dispatched = new HashMap<>();
        Map<String, Integer> requeued = new HashMap<>();
        int[] counts = new int[2];
        for (ConsumerRecord<String, String> r : readAll(bootstrap, resultsTopic)) {
            results.merge(r.key(), 1, Integer::sum);
            counts[0]++;
        }
        for (ConsumerRecord<String, String> r : readAll(bootstrap, eventsTopic)) {
            counts[1]++;
            JsonNode e = Api.parse(r.value());
            String job = e.path("job_id").asText(r.key());
            int attempt = e.path("attempt").asInt();
            switch (e.path("type").asText()) {
                case "started" ->
                    runs.computeIfAbsent(job, k -> new HashSet<>())
                            .add(attempt + "/" + e.path("worker_id").asText() + "/"
                                    + e.path("at").asText());
                case "dispatched" ->
                    dispatched.computeIfAbsent(job, k -> new HashSet<>()).add(attempt);
                case "requeued" -> {
                    if (e.path("error").path("code").isTextual()) {
                        requeued.merge(job, 1, Integer::sum);
                    }
                }
                default -> {
                    // queued and terminal transitions say nothing about runs
                }
            }
        }
        List<String> duplicates = results.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        Set<String> jobs = new HashSet<>(runs.keySet());
        jobs.addAll(dispatched.keySet());
        List<String> reruns = jobs.stream()
                .filter(j -> Math.max(
                                        runs.getOrDefault(j, Set.of()).size(),
                                        dispatched.getOrDefault(j, Set.of()).size())
                                - 1
                        > requeued.getOrDefault(j, 0))
                .sorted()
                .toList();
        int requeues = requeued.values().stream().mapToInt(Integer::intValue).sum();
        return new Findings(counts[0], counts[1], results, duplicates, reruns, requeues);
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
