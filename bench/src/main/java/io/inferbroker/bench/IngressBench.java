package io.inferbroker.bench;

import io.inferbroker.embedded.EmbeddedKafka;
import io.inferbroker.embedded.EmbeddedPostgres;
import io.inferbroker.launcher.BrokerConfig;
import io.inferbroker.launcher.BrokerProcess;
import io.inferbroker.launcher.ConfigLoader;
import io.inferbroker.launcher.Role;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Submit throughput of the ingress against a bare Javalin handler, in one run on one machine:
 * (a) Javalin answering 202 to the same POST, (b) {@code POST /v1/jobs} with durable Kafka writes
 * (acks=all, idempotent producer) on the embedded Kafka. Runs alternate a, b, a, b... and the
 * median of each is reported.
 */
@Command(name = "ingress-bench", mixinStandardHelpOptions = true)
public final class IngressBench implements Callable<Integer> {
    private static final String BODY =
            "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hello broker\"}],\"max_tokens\":16}}";

    @Option(names = "--connections", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(names = "--warmup", description = "seconds of warm-up per run (default ${DEFAULT-VALUE})")
    int warmup = 5;

    @Option(names = "--duration", description = "measured seconds per run (default ${DEFAULT-VALUE})")
    int duration = 10;

    @Option(names = "--runs", description = "runs of each variant (default ${DEFAULT-VALUE})")
    int runs = 3;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngressBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("ingress-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("postgres"), 0)) {
            BrokerConfig config = ConfigLoader.load(
                    Map.of(
                            "port", "0",
                            "data_dir", dir.toString(),
                            "kafka.bootstrap_servers", kafka.bootstrapServers(),
                            "db.url", pg.jdbcUrl(EmbeddedPostgres.DATABASE)),
                    Map.of("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY),
                    Optional.empty());
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            try (BrokerProcess ingress = BrokerProcess.start(config, EnumSet.of(Role.INGRESS), quiet)) {
                Javalin bare = Javalin.create(cfg -> {
                            cfg.startup.showJavalinBanner = false;
                            cfg.routes.post(
                                    "/v1/jobs",
                                    ctx -> ctx.status(202)
                                            .contentType("application/json")
                                            .result("{\"id\":\"x\",\"status\":\"queued\"}"));
                        })
                        .start("127.0.0.1", 0);
                try {
                    measure(bare.port(), ingress.port(), BenchBroker.apiKey("http://127.0.0.1:" + ingress.port()));
                } finally {
                    bare.stop();
                }
            }
        }
        return 0;
    }

    private void measure(int barePort, int ingressPort, String key) throws Exception {
        try (LoadGenerator gen = new LoadGenerator(connections)) {
            Map<String, String> headers = Map.of("Authorization", "Bearer " + key);
            measure(
                    gen,
                    new LoadGenerator.Target(URI.create("http://127.0.0.1:" + barePort + "/v1/jobs"), BODY, headers),
                    new LoadGenerator.Target(
                            URI.create("http://127.0.0.1:" + ingressPort + "/v1/jobs"), BODY, headers));
        }
    }

    private void measure(LoadGenerator gen, LoadGenerator.Target a, LoadGenerator.Target b)
            throws InterruptedException {
        List<LoadGenerator.Result> bare = new ArrayList<>();
        List<LoadGenerator.Result> broker = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            bare.add(
                    report("a bare Javalin 202", gen.run(a, Duration.ofSeconds(warmup), Duration.ofSeconds(duration))));
            broker.add(report(
                    "b ingress POST /v1/jobs", gen.run(b, Duration.ofSeconds(warmup), Duration.ofSeconds(duration))));
        }
        System.out.printf(
                "%n| variant (median of %d runs, %d connections) | req/s | p50 ms | p99 ms | p99.9 ms |%n",
                runs, connections);
        System.out.println("|---|---|---|---|---|");
        row("a bare Javalin 202", bare);
        row("b ingress POST /v1/jobs (Kafka acks=all)", broker);
        System.out.printf(
                "%nratio b/a (req/s): %.2f%n",
                median(broker, LoadGenerator.Result::perSecond) / median(bare, LoadGenerator.Result::perSecond));
    }

    private static LoadGenerator.Result report(String name, LoadGenerator.Result r) {
        System.out.printf(
                "%-26s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  statuses %s%n",
                name, r.perSecond(), r.p(50), r.p(99), r.p(99.9), r.statuses());
        return r;
    }

    private static void row(String name, List<LoadGenerator.Result> results) {
        System.out.printf(
                "| %s | %.0f | %.2f | %.2f | %.2f |%n",
                name,
                median(results, LoadGenerator.Result::perSecond),
                median(results, r -> r.p(50)),
                median(results, r -> r.p(99)),
                median(results, r -> r.p(99.9)));
    }

    static double median(List<LoadGenerator.Result> results, ToDoubleFunction<LoadGenerator.Result> f) {
        List<Double> values = results.stream()
                .map(f::applyAsDouble)
                .sorted(Comparator.naturalOrder())
                .toList();
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
