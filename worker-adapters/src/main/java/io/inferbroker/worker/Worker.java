package io.inferbroker.worker;

import io.inferbroker.schemas.Price;
import io.inferbroker.schemas.WorkerState;
import io.inferbroker.schemas.WorkerStatus;
import io.inferbroker.worker.internal.Capacity;
import io.inferbroker.worker.internal.DispatchLoop;
import io.inferbroker.worker.internal.JobLauncher;
import io.inferbroker.worker.internal.PriceBook;
import io.inferbroker.worker.internal.Publisher;
import io.inferbroker.worker.internal.RunContext;
import io.inferbroker.worker.internal.StatusReporter;
import io.inferbroker.worker.internal.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker. It consumes only its own work: the dispatch partition its worker id hashes to,
 * assigned manually, skipping batches keyed for other workers; committed offsets live in the group
 * {@link WorkerConfig#groupId()}. It runs at most {@code capacity} jobs at once on its
 * {@link ModelAdapter}, publishes for each job a STARTED event, its tokens, one result and a
 * terminal event (all keyed by job id), commits a batch once all of that is acknowledged, and
 * publishes its {@link WorkerStatus} every status interval and on every change of load.
 *
 * <p>Delivery is at least once: a batch whose results were not all published runs again after a
 * restart, with the same attempt numbers.
 *
 * <p>Thread-safe. The worker owns the adapter and closes it in {@link #close()}.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final WorkerConfig config;
    private final ModelAdapter adapter;
    private final Capacity capacity;
    private final PriceBook prices;
    private final Publisher publisher;
    private final StatusReporter status;
    private final JobLauncher launcher;
    private final DispatchLoop loop;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Worker(
            WorkerConfig config,
            ModelAdapter adapter,
            Capacity capacity,
            PriceBook prices,
            Publisher publisher,
            StatusReporter status,
            JobLauncher launcher,
            DispatchLoop loop) {
        this.config = config;
        this.adapter = adapter;
        this.capacity = capacity;
        this.prices = prices;
        this.publisher = publisher;
        this.status = status;
        this.launcher = launcher;
        this.loop = loop;
    }

    /**
     * Connects to Kafka, assigns the worker its dispatch partition and starts consuming and
     * reporting.
     *
     * @param kafka client settings shared by the worker's producer and consumer (bootstrap servers,
     *     security); the worker sets acks, idempotence, group, offsets and serializers itself
     * @throws WorkerStartException when Kafka does not answer or the dispatch topic is missing; the
     *     adapter is closed then too
     */
    public static Worker start(
            WorkerConfig config, ModelAdapter adapter, Properties kafka, Clock clock, MeterRegistry registry) {
        KafkaProducer<String, byte[]> producer = null;
        KafkaConsumer<String, byte[]> consumer = null;
        TopicPartition partition;
        try {
            producer = new KafkaProducer<>(
                    producerProps(kafka, config), new StringSerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(
                    consumerProps(kafka, config), new StringDeserializer(), new ByteArrayDeserializer());
            partition = DispatchLoop.assign(consumer, config.topics().dispatch(), config.workerId(), STARTUP_TIMEOUT);
        } catch (KafkaException e) {
            if (consumer != null) {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            }
            if (producer != null) {
                producer.close(Duration.ZERO);
            }
            adapter.close();
            throw new WorkerStartException(
                    "worker " + config.workerId() + " cannot connect to Kafka or read topic "
                            + config.topics().dispatch() + ": " + e.getMessage(),
                    e);
        }
        Publisher publisher = new Publisher(producer, config.topics());
        Capacity capacity = new Capacity(config.capacity());
        PriceBook prices = new PriceBook(config.price(), config.modelPrices());
        // Names this run: batches the dispatcher addressed to an earlier run are skipped (it sends
        // their jobs again when it sees this run's status), so a restart runs no job twice.
        String instance = UUID.randomUUID().toString();
        StatusReporter status = new StatusReporter(
                config,
                adapter.kind(),
                publisher,
                clock,
                capacity::inFlight,
                timer(config.workerId()),
                prices,
                instance);
        status.watch(adapter);
        WorkerMetrics metrics = new WorkerMetrics(registry);
        RunContext context = new RunContext(config.workerId(), prices, publisher, clock, metrics);
        JobLauncher launcher = new JobLauncher(new HashSet<>(config.models()), capacity, adapter, context, status);
        DispatchLoop loop = new DispatchLoop(
                consumer, partition, config.workerId(), instance, launcher, status, publisher, metrics, clock);
        Worker worker = new Worker(config, adapter, capacity, prices, publisher, status, launcher, loop);
        status.start();
        Thread.ofPlatform()
                .name("worker-" + config.workerId() + "-dispatch")
                .daemon(true)
                .start(loop);
        LOG.info(
                "worker {} consumes {} ({}), capacity {}",
                config.workerId(),
                partition,
                adapter.description(),
                config.capacity());
        return worker;
    }

    public WorkerConfig config() {
        return config;
    }

    /** Jobs running now. */
    public int inFlight() {
        return capacity.inFlight();
    }

    /** The status the worker would publish now. */
    public WorkerStatus status() {
        return status.snapshot();
    }

    /**
     * Changes the worker's price: jobs that start from now on cost {@code price}; running jobs keep
     * the price they started with. The new price is published in the worker's status at once.
     */
    public void reprice(Price price) {
        if (!price.currency().equals(prices.current().currency())) {
            LOG.info("worker {} now charges in {}", config.workerId(), price.currency());
        }
        prices.set(price);
        status.inFlightChanged();
    }

    /** Changes the price of one model: jobs of {@code model} that start from now on cost {@code price}. */
    public void reprice(String model, Price price) {
        if (!config.models().contains(model)) {
            throw new IllegalArgumentException("worker " + config.workerId() + " does not serve " + model);
        }
        prices.set(model, price);
        status.inFlightChanged();
    }

    /**
     * Drains and stops: publishes DRAINING, starts no new batch, lets running jobs publish their
     * results for up to the shutdown grace, commits, then hands back what did not finish: those jobs
     * are stopped on the model server and publish no result, their batches stay uncommitted, and
     * GONE tells the dispatcher to dispatch them again. The next run of this worker id skips those
     * batches when they were addressed to this run (its status's instance), so they run once. Closes the Kafka clients. Blocks for at most the grace plus a few seconds.
     * Idempotent; what a SIGTERM runs through the process's shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        status.publish(WorkerState.DRAINING);
        loop.stop(config.shutdownGrace());
        try {
            if (!loop.awaitFinished(config.shutdownGrace().plus(CLOSE_TIMEOUT))) {
                LOG.warn("worker {} did not stop consuming in time", config.workerId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcher.abandon();
        adapter.close();
        status.close();
        try {
            status.publish(WorkerState.GONE).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("worker {} could not publish that it is gone: {}", config.workerId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close(CLOSE_TIMEOUT);
        LOG.info("worker {} stopped", config.workerId());
    }

    private static Properties producerProps(Properties kafka, WorkerConfig config) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // 1 ms, not the client default (5 ms), which would sit between a job's last token and the
        // caller waiting for it; and not 0, which sends a job's started event, tokens, result and
        // terminal event (written within microseconds of each other by a fast model) as separate
        // produce requests whenever the sender thread is idle (BENCHMARKS.md, whole path).
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return props;
    }

    private static Properties consumerProps(Properties kafka, WorkerConfig config) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-consumer");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }

    private static ScheduledThreadPoolExecutor timer(String workerId) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(
                1,
                Thread.ofPlatform()
                        .name("worker-" + workerId + "-status")
                        .daemon(true)
                        .factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
