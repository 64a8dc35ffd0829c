package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.JsonSerde;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import io.inferbroker.schemas.WorkerStatus;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The dispatcher's inputs: the global workers store, and requests, results and control commands
 * merged into one stream of {@link Envelope}s re-keyed by model through one repartition topic.
 */
public final class Inbound {
    private Inbound() {}

    /** Adds the global store of worker statuses, filled from the compacted workers topic. */
    public static void addWorkersStore(StreamsBuilder builder, TopicNames topics) {
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(StoreNames.WORKERS),
                                Serdes.String(),
                                new LenientSerde<>(WireSerdes.WORKER_STATUS))
                        .withLoggingDisabled(),
                topics.workers(),
                Consumed.<String, WorkerStatus>with(Serdes.String(), WireSerdes.WORKER_STATUS)
                        .withName("workers-source"),
                WorkerStoreUpdater::new);
    }

    /** Requests, results and cancels, keyed by model (cancels go to every partition). */
    public static KStream<String, Envelope> byModel(StreamsBuilder builder, DispatcherConfig config) {
        TopicNames topics = config.topics();
        KStream<String, Envelope> admits = builder.stream(
                        topics.requests(),
                        Consumed.<String, JobRequested>with(Serdes.String(), WireSerdes.JOB_REQUESTED)
                                .withName("requests-source"))
                .flatMap(
                        (jobId, job) -> job == null
                                ? List.of()
                                : List.of(KeyValue.pair(job.model(), (Envelope) new Envelope.Admit(job))),
                        Named.as("requests-by-model"));
        KStream<String, Envelope> finishes = builder.stream(
                        topics.results(),
                        Consumed.<String, JobResult>with(Serdes.String(), WireSerdes.JOB_RESULT)
                                .withName("results-source"))
                .flatMap(
                        (jobId, r) -> r == null
                                ? List.of()
                                : List.of(KeyValue.pair(r.model(), (Envelope) new Envelope.Finish(
                                        r.jobId(), r.model(), r.tenantId(), r.status(), r.workerId()))),
                        Named.as("results-by-model"));
        KStream<String, Envelope> cancels = builder.stream(
                        topics.control(),
                        Consumed.<String, ControlCommand>with(Serdes.String(), WireSerdes.CONTROL_COMMAND)
                                .withName("control-source"))
                .flatMap((jobId, c) -> cancelOf(c), Named.as("control-to-cancel"));
        return admits.merge(finishes, Named.as("merge-results"))
                .merge(cancels, Named.as("merge-control"))
                .repartition(Repartitioned.<String, Envelope>as(StoreNames.BY_MODEL)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(JsonSerde.of(Envelope.class))
                        .withStreamPartitioner(new CancelBroadcastPartitioner()));
    }

    private static List<KeyValue<String, Envelope>> cancelOf(ControlCommand command) {
        if (command == null) {
            return List.of();
        }
        return switch (command.action()) {
            case CANCEL ->
                List.of(KeyValue.pair(
                        command.jobId(), new Envelope.Cancel(command.jobId(), command.tenantId(), command.reason())));
        };
    }
}
