package io.inferbroker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.TopicProvisioner;
import io.inferbroker.schemas.DispatchBatch;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.testkit.upstream.FakeOpenAiServer;
import io.inferbroker.worker.Worker;
import io.inferbroker.worker.WorkerConfig;
import io.inferbroker.worker.http.ApiKey;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.openai.OpenAiCompatibleAdapter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The worker's own overhead against a direct call to the same model server. The model server is the
 * testkit's fake vLLM (SSE, one word per token, no model time), in this JVM. One job at a time:
 *
 * <ul>
 *   <li>(a) direct: a plain {@code java.net.http} client streams {@code /v1/chat/completions} and
 *       parses every chunk, as any client would;
 *   <li>(b) worker: the same request made by a {@link Worker} with the OpenAI-compatible adapter,
 *       on embedded Kafka: a dispatch batch of one job is produced, the worker consumes it, streams
 *       the call, publishes STARTED, one token record per token, the result and the terminal event
 *       ({@code acks=all}), and the benchmark reads the result back.
 * </ul>
 *
 * Per job overhead = b - a at 1 token, reported with and without the two Kafka hops it includes
 * (dispatch to worker, result to reader), a hop measured as (c): a result-sized record produced with
 * {@code acks=all} until the same reader sees it. Per token overhead = ((b - a) at N tokens - (b - a) at 1 token) /
 * (N - 1), where the hops cancel out. Variants alternate a, b per batch of jobs; medians.
 */
@Command(name = "worker-bench", mixinStandardHelpOptions = true)
public final class WorkerBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--jobs", description = "jobs per variant and size per run (default ${DEFAULT-VALUE})")
    int jobs = 200;

    @Option(names = "--tokens", description = "tokens of the long jobs (default ${DEFAULT-VALUE})")
    int tokens = 1000;

    @Option(names = "--runs", description = "measured runs (default ${DEFAULT-VALUE})")
    int runs = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WorkerBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("worker-bench-");
        TopicNames topics = new TopicNames("bench.");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                FakeOpenAiServer server = FakeOpenAiServer.start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                new TopicProvisioner(admin, Duration.ofSeconds(30)).ensureAll(topics, Optional.empty());
            }
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            EndpointConfig endpoint = EndpointConfig.of(URI.create(server.baseUrl()), ApiKey.NONE, Map.of());
            WorkerConfig config = WorkerConfig.of(
                    "bench-w",
                    List.of("m"),
                    4,
                    new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ZERO, "USD"),
                    topics,
                    "bench");
            try (Worker worker = Worker.start(
                            config,
                            OpenAiCompatibleAdapter.create(endpoint, Clock.systemUTC()),
                            props,
                            Clock.systemUTC(),
                            new SimpleMeterRegistry());
                    Loop loop = new Loop(kafka.bootstrapServers(), topics, server.baseUrl())) {
                System.out.printf("worker %s up; warming up%n", worker.config().workerId());
                measure(loop, 1, jobs);
                measure(loop, tokens, jobs / 4);
                for (int run = 1; run <= runs; run++) {
                    double[] one = measure(loop, 1, jobs);
                    double[] many = measure(loop, tokens, jobs);
                    double hop = loop.hops(jobs);
                    double perJob = one[1] - one[0];
                    double perToken = ((many[1] - many[0]) - perJob) / (tokens - 1);
                    System.out.printf(
                            "run %d: 1 token: direct %.3f ms, worker %.3f ms | %d tokens: direct %.3f ms, worker %.3f"
                                    + " ms | Kafka hop %.3f ms | overhead %.3f ms/job (%.3f without the two hops),"
                                    + " %.4f ms/token%n",
                            run, one[0], one[1], tokens, many[0], many[1], hop, perJob, perJob - 2 * hop, perToken);
                }
            }
        }
        return 0;
    }

    /** Median ms per job of (a) direct and (b) worker, alternating in chunks of 10. */
    private static double[] measure(Loop loop, int tokens, int count) throws Exception {
        List<Long> direct = new ArrayList<>();
        List<Long> viaWorker = new ArrayList<>();
        for (int i = 0; i < count; i += 10) {
            for (int k = 0; k < 10; k++) {
                direct.add(loop.direct(tokens));
            }
            for (int k = 0; k < 10; k++) {
                viaWorker.add(loop.viaWorker(tokens));
            }
        }
        return new double[] {median(direct), median(viaWorker)};
    }

    private static double median(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    /** The two ways of running one job. */
    private static final class Loop implements AutoCloseable {
        private final TopicNames topics;
        private final String bootstrap;
        private final String baseUrl;
        private final HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final KafkaProducer<String, DispatchBatch> producer;
        private final KafkaConsumer<String, JobResult> results;

        Loop(String bootstrap, TopicNames topics, String baseUrl) {
            this.topics = topics;
            this.bootstrap = bootstrap;
            this.baseUrl = baseUrl;
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            this.producer = new KafkaProducer<>(p, new StringSerializer(), WireSerdes.DISPATCH_BATCH);
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "1");
            this.results = new KafkaConsumer<>(c, new StringDeserializer(), WireSerdes.JOB_RESULT);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : results.partitionsFor(topics.results(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            results.assign(partitions);
            results.seekToEnd(partitions);
            partitions.forEach(results::position);
        }

        private static String prompt(int tokens) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < tokens; i++) {
                s.append(i == 0 ? "w" : " w").append(i);
            }
            return s.toString();
        }

        private static String input(int tokens) {
            return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt(tokens) + "\"}],\"max_tokens\":" + tokens
                    + "}";
        }

        long direct(int tokens) throws Exception {
            String body = input(tokens)
                    .replaceFirst(
                            "^\\{", "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},");
            long start = System.nanoTime();
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            int seen = 0;
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("data: ")) {
                        String data = line.substring(6);
                        if (data.equals("[DONE]")) {
                            break;
                        }
                        if (JSON.readTree(data)
                                        .at("/choices/0/delta/content")
                                        .asText("")
                                        .length()
                                > 0) {
                            seen++;
                        }
                    }
                }
            }
            long took = System.nanoTime() - start;
            if (seen != tokens) {
                throw new IllegalStateException("direct call got " + seen + " tokens, wanted " + tokens);
            }
            return took;
        }

        long viaWorker(int tokens) throws Exception {
            String jobId = UUID.randomUUID().toString();
            DispatchedJob job = new DispatchedJob(
                    jobId, "t", JobKind.CHAT, JSON.readTree(input(tokens)), 1, 0, null, Instant.now());
            DispatchBatch batch =
                    new DispatchBatch(DispatchBatch.VERSION, jobId, "bench-w", "m", Instant.now(), List.of(job));
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topics.dispatch(), "bench-w", batch));
            while (true) {
                for (ConsumerRecord<String, JobResult> r : results.poll(Duration.ofMillis(100))) {
                    if (r.key().equals(jobId)) {
                        long took = System.nanoTime() - start;
                        if (r.value().status() != JobStatus.SUCCEEDED
                                || r.value().usage().completionTokens() != tokens) {
                            throw new IllegalStateException("worker answered " + r.value());
                        }
                        return took;
                    }
                }
            }
        }

        /** Median ms of one Kafka hop: a result-sized record produced (acks=all) until it is read back. */
        double hops(int count) throws Exception {
            List<Long> took = new ArrayList<>();
            try (KafkaProducer<String, JobResult> direct = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.LINGER_MS_CONFIG,
                            "0"),
                    new StringSerializer(),
                    WireSerdes.JOB_RESULT)) {
                for (int i = 0; i < count; i++) {
                    String key = UUID.randomUUID().toString();
                    JobResult result = new JobResult(
                            JobResult.VERSION,
                            key,
                            "t",
                            "m",
                            JobStatus.SUCCEEDED,
                            JSON.readTree("{\"text\":\"w0\",\"finish_reason\":\"stop\"}"),
                            null,
                            new io.inferbroker.schemas.Usage(1, 1),
                            null,
                            "bench-w",
                            1,
                            new io.inferbroker.schemas.Timings(
                                    Instant.now(), Instant.now(), Instant.now(), Instant.now(), Instant.now()));
                    long start = System.nanoTime();
                    direct.send(new ProducerRecord<>(topics.results(), key, result));
                    took.add(await(key) - start);
                }
            }
            return median(took);
        }

        private long await(String key) {
            while (true) {
                for (ConsumerRecord<String, JobResult> r : results.poll(Duration.ofMillis(100))) {
                    if (r.key().equals(key)) {
                        return System.nanoTime();
                    }
                }
            }
        }

        @Override
        public void close() {
            producer.close();
            results.close();
            http.close();
        }
    }
}
