package io.inferbroker.dispatcher;

import io.inferbroker.dispatcher.internal.AdminResultsHorizon;
import io.inferbroker.dispatcher.internal.DeadLetterRoute;
import io.inferbroker.dispatcher.internal.PacedClientSupplier;
import io.inferbroker.dispatcher.internal.PollPacer;
import io.inferbroker.dispatcher.internal.StreamsProps;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher: the {@link DispatcherTopology} in a {@link KafkaStreams} client. Processing
 * guarantee at_least_once (see the README for why); records no serde can read, that break the wire
 * contract or that make a processor fail go to the dead-letter topic, and processing goes on.
 * A stream thread that fails shuts the client down, so {@link #isRunning()} turns false and the
 * process supervisor can restart it.
 *
 * <p>{@link #start()} does not block; poll {@link #isReady()}. Thread-safe. The creator closes it;
 * {@link #close()} is idempotent and blocks until the streams client stopped (at most 30 s).
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaStreams streams;
    private final Admin admin;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A dispatcher routing each model by its configured strategy. */
    public Dispatcher(DispatcherConfig config, Properties streamsProps, MeterRegistry registry) {
        this(config, streamsProps, new DispatcherMetrics(registry), null, registry);
    }

    /**
     * @param config the dispatcher's settings
     * @param streamsProps Kafka client settings: at least {@code bootstrap.servers}, usually
     *     {@code state.dir}; the application id, thread count, processing guarantee and
     *     exception handlers come from the dispatcher and override these
     * @param registry where {@link DispatcherMetrics} are registered
     * @param policy chooses the worker for each batch of every model, instead of the configured strategies
     */
    public Dispatcher(DispatcherConfig config, Properties streamsProps, MeterRegistry registry, RoutingPolicy policy) {
        this(config, streamsProps, new DispatcherMetrics(registry), policy, registry);
    }

    private Dispatcher(
            DispatcherConfig config,
            Properties streamsProps,
            DispatcherMetrics metrics,
            @Nullable RoutingPolicy policy,
            MeterRegistry registry) {
        DeadLetterRoute deadLetters = new DeadLetterRoute(config.topics(), metrics, Clock.systemUTC());
        Properties props = StreamsProps.of(config, streamsProps, deadLetters);
        this.admin = Admin.create(new StreamsConfig(props).getAdminConfigs(config.applicationId() + "-horizon"));
        // Stream threads block in their polls while their tasks have nothing coming due: an idle
        // dispatcher costs next to nothing, here and at the Kafka broker.
        PollPacer pacer = new PollPacer(config.idlePoll());
        try {
            Topology topology = DispatcherTopology.build(
                    config,
                    policy,
                    metrics,
                    new AdminResultsHorizon(admin, config.applicationId()),
                    pacer,
                    topics(admin));
            this.streams = new KafkaStreams(topology, props, new PacedClientSupplier(pacer));
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
        pacer.onlyWhile(() -> streams.state() == KafkaStreams.State.RUNNING);
        // The Streams client's own meters (kafka.stream.thread.*: poll, process, punctuate and commit
        // ratios and latencies; kafka.consumer.*, kafka.producer.*) next to the dispatcher's.
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("a dispatcher stream thread failed; shutting the dispatcher down", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The topics of the cluster, to find the changelogs of an earlier store layout. */
    private static Set<String> topics(Admin admin) {
        try {
            return admin.listTopics().names().get(TOPICS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot list the Kafka topics (to find stores of an earlier dispatcher to carry over): "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Starts processing in the background; returns at once. Calling it again does nothing.
     *
     * @throws IllegalStateException when already closed
     */
    public void start() {
        if (closed.get()) {
            throw new IllegalStateException("the dispatcher is closed");
        }
        if (started.compareAndSet(false, true)) {
            streams.start();
        }
    }

    /** True while started and neither failed nor closed (running or rebalancing). */
    public boolean isRunning() {
        return started.get() && !closed.get() && streams.state().isRunningOrRebalancing();
    }

    /** True when every task is assigned and restored: the Streams state is RUNNING. */
    public boolean isReady() {
        return started.get() && !closed.get() && streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // Leave the group: otherwise a restarted dispatcher waits for this member's session to
            // expire before it gets its partitions back.
            if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
                LOG.warn("the dispatcher did not stop within {}", CLOSE_TIMEOUT);
            }
            streamsMetrics.close();
            admin.close(CLOSE_TIMEOUT);
        }
    }
}
