package io.inferbroker.faults;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client mix, paced by a fixed-rate tick: of every 20 jobs 14 are submitted asynchronously, 2
 * with {@code Prefer: wait}, 2 through the OpenAI-compatible chat endpoint and 2 are submitted and
 * then streamed. Submits carry an Idempotency-Key and are retried with it on errors and timeouts;
 * streams resume after every cut. Every client gives up at its deadline. Thread-safe.
 */
final class Clients implements AutoCloseable {
    private static final Duration CLIENT_DEADLINE = Duration.ofMinutes(4);
    private final Api api;
    private final Supplier<List<String>> ingresses;
    private final Ledger ledger;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    private final ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor();
    private final Retry retry = new Retry(scheduler, steps);
    private final ConcurrentLinkedQueue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong launched = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private double quota;

    Clients(Api api, Supplier<List<String>> ingresses, Ledger ledger) {
        this.api = api;
        this.ingresses = ingresses;
        this.ledger = ledger;
    }

    /** Starts launching {@code perSecond} jobs a second, at most {@code maxInFlight} clients at once. */
    void start(int perSecond, int maxInFlight) {
        long tickMs = 50;
        scheduler.scheduleAtFixedRate(
                () -> {
                    quota = Math.min(quota + perSecond * tickMs / 1000.0, perSecond);
                    while (quota >= 1 && inFlight.get() < maxInFlight) {
                        quota -= 1;
                        launch(launched.getAndIncrement());
                    }
                },
                0,
                tickMs,
                TimeUnit.MILLISECONDS);
    }

    long launched() {
        return launched.get();
    }

    /** Stops launching; clients under way go on. */
    void stopLaunching() {
        scheduler.execute(() -> quota = Double.NEGATIVE_INFINITY);
    }

    /** True once every launched client has finished (accepted and, for streams, read to the end). */
    boolean idle() {
        pending.removeIf(CompletableFuture::isDone);
        return pending.isEmpty();
    }

    private void launch(long n) {
        inFlight.incrementAndGet();
        int slot = (int) (n % 20);
        String prompt = prompt(n);
        CompletableFuture<?> client;
        if (slot < 14) {
            client = submit(prompt, Ledger.Kind.ASYNC, Optional.empty(), null);
        } else if (slot < 16) {
            client = submit(prompt, Ledger.Kind.WAIT, Optional.of("wait=20"), null);
        } else if (slot < 18) {
            client = chat(prompt);
        } else {
            client = submit(prompt, Ledger.Kind.STREAM, Optional.empty(), null)
                    .thenCompose(
                            id -> id.map(j -> stream(j, slot == 18)).orElse(CompletableFuture.completedFuture(null)));
        }
        CompletableFuture<?> tracked = client.whenComplete((v, e) -> inFlight.decrementAndGet());
        pending.add(tracked);
    }

    static String prompt(long n) {
        StringBuilder b = new StringBuilder();
        int words = 6 + (int) (n % 7);
        for (int i = 0; i < words; i++) {
            b.append(i == 0 ? "" : " ").append("w").append(n).append('-').append(i);
        }
        return b.toString();
    }

    static String jobBody(String prompt) {
        return "{\"model\":\"sim-echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"max_tokens\":8}}";
    }

    /**
     * Submits until accepted (202 or 200) with one Idempotency-Key; {@code base} null = any ingress,
     * taken in turn. Completes with the job id, or empty when refused or out of time.
     */
    CompletableFuture<Optional<String>> submit(String prompt, Ledger.Kind kind, Optional<String> prefer, String base) {
        String key = UUID.randomUUID().toString();
        String body = jobBody(prompt);
        Duration timeout = prefer.isPresent() ? Duration.ofSeconds(30) : Duration.ofSeconds(15);
        return retry.until(
                        attempt -> {
                            ledger.submits.incrementAndGet();
                            if (attempt > 1) {
                                ledger.retries.incrementAndGet();
                            }
                            String url = (base != null ? base : pick(attempt)) + "/v1/jobs";
                            String[] headers = prefer.map(p -> new String[] {"Idempotency-Key", key, "Prefer", p})
                                    .orElse(new String[] {"Idempotency-Key", key});
                            HttpResponse<String> r = api.post(url, body, timeout, headers);
                            return switch (r.statusCode()) {
                                case 200, 202 -> {
                                    String id = Api.parse(r.body()).path("id").asText();
                                    if (id.isEmpty()) {
                                        ledger.acceptedWithoutId.incrementAndGet();
                                        yield new Retry.Outcome.Again<>(Duration.ofMillis(500));
                                    }
                                    ledger.accepted(id, kind, r.statusCode());
                                    yield new Retry.Outcome.Done<>(id);
                                }
                                case 409 -> {
                                    ledger.conflicts.incrementAndGet();
                                    yield new Retry.Outcome.GiveUp<>();
                                }
                                case 429, 500, 502, 503, 504 -> new Retry.Outcome.Again<>(Duration.ofMillis(500));
                                default -> {
                                    ledger.refused.incrementAndGet();
                                    String said = r.body();
                                    ledger.refusals.add(r.statusCode() + " "
                                            + (said.length() > 200 ? said.substring(0, 200) : said));
                                    yield new Retry.Outcome.GiveUp<>();
                                }
                            };
                        },
                        System.nanoTime() + CLIENT_DEADLINE.toNanos())
                .thenApply(id -> {
                    if (id.isEmpty()) {
                        ledger.gaveUp.incrementAndGet();
                    }
                    return id;
                });
    }

    private CompletableFuture<Optional<String>> chat(String prompt) {
        String body = "{\"model\":\"sim-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"max_tokens\":8}";
        return retry.until(
                attempt -> {
                    if (attempt > 3) {
                        return new Retry.Outcome.GiveUp<>();
                    }
                    ledger.submits.incrementAndGet();
                    HttpResponse<String> r =
                            api.post(pick(attempt) + "/v1/chat/completions", body, Duration.ofSeconds(40));
                    Optional<String> id = r.headers().firstValue("x-job-id").filter(h -> !h.isBlank());
                    if (id.isPresent() && (r.statusCode() == 200 || r.statusCode() == 504)) {
                        ledger.accepted(id.get(), Ledger.Kind.SYNC, r.statusCode());
                        return new Retry.Outcome.Done<>(id.get());
                    }
                    ledger.syncUnanswered.incrementAndGet();
                    return new Retry.Outcome.Again<>(Duration.ofMillis(500));
                },
                System.nanoTime() + CLIENT_DEADLINE.toNanos());
    }

    private CompletableFuture<Void> stream(String jobId, boolean cutOnPurpose) {
        ledger.streams.incrementAndGet();
        StreamReader reader = new StreamReader(api, ingresses.get(), jobId, ledger, cutOnPurpose);
        return retry.until(reader::step, System.nanoTime() + CLIENT_DEADLINE.toNanos())
                .thenAccept(verdict -> {
                    if (verdict.isEmpty()) {
                        ledger.streamsUnfinished.incrementAndGet();
                    } else if (verdict.get() == StreamReader.Verdict.EXACT) {
                        ledger.streamsExact.incrementAndGet();
                    }
                });
    }

    private String pick(int attempt) {
        List<String> all = ingresses.get();
        return all.get((int) ((launched.get() + attempt) % all.size()));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        steps.shutdownNow();
    }
}
