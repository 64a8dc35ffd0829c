package io.inferbroker.bench;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long {@code broker serve} takes to be ready again after its JVM is killed with SIGKILL,
 * against a clean start in the same run: each run starts serve on a fresh data directory (clean),
 * submits {@code --jobs} jobs so the kill lands with work under way, kills the JVM (only the JVM: its
 * embedded PostgreSQL is left to the watchdog, as after a crash), starts serve again on the same
 * directory and times it until {@code /health/ready}, then stops it with SIGTERM. Prints each run and
 * the medians. The broker runs in JVMs of its own, as {@code ./broker serve} does.
 */
@Command(name = "serve-restart-bench", mixinStandardHelpOptions = true)
public final class ServeRestartBench implements Callable<Integer> {
    @Option(names = "--runs", description = "clean start and kill -9 restart pairs (default ${DEFAULT-VALUE})")
    int runs = 3;

    @Option(names = "--jobs", description = "jobs submitted before each kill (default ${DEFAULT-VALUE})")
    int jobs = 200;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeRestartBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<Double> clean = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path dir = Files.createTempDirectory("serve-restart-bench-");
            int port = freePort();
            String base = "http://127.0.0.1:" + port;
            long t0 = System.nanoTime();
            Process first = start(dir, port);
            BenchBroker.awaitReady(base);
            clean.add(seconds(t0));
            submit(base, BenchBroker.apiKey(base));
            first.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            Process second = start(dir, port);
            try {
                BenchBroker.awaitReady(base);
                restart.add(seconds(t1));
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            System.out.printf(
                    Locale.ROOT,
                    "run %d: clean start %.1f s, after kill -9 %.1f s%n",
                    run,
                    clean.getLast(),
                    restart.getLast());
        }
        double c = median(clean);
        double r = median(restart);
        System.out.printf(Locale.ROOT, "median: clean start %.1f s, after kill -9 %.1f s, ratio %.2f%n", c, r, r / c);
        return 0;
    }

    private void submit(String base, String key) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"model\":\"sim-echo\",\"input\":{\"prompt\":\"restart\",\"max_tokens\":64}}";
        List<java.util.concurrent.CompletableFuture<HttpResponse<Void>>> sent = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            sent.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/v1/jobs"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
        sent.forEach(java.util.concurrent.CompletableFuture::join);
    }

    private static Process start(Path dir, int port) throws Exception {
        ProcessBuilder command = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.inferbroker.launcher.Main",
                        "serve",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--port",
                        Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("broker.log").toFile()));
        command.environment().put("BROKER_ADMIN_KEY", BenchBroker.ADMIN_KEY);
        return command.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
