package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherConfig;
import io.inferbroker.dispatcher.DispatcherMetrics;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings of the dispatcher: the caller's, with the dispatcher's own on top. */
public final class StreamsProps {
    /** Producer batching delay; Kafka Streams' default of 100 ms would dwarf a 20 ms batching delay, twice. */
    static final String LINGER_MS = "1";

    /**
     * Longest the broker holds a fetch of a stream thread with nothing new: Kafka's default. The
     * broker answers a held fetch as soon as a record arrives on any of its partitions (the fetch
     * session holds all of them), so the hold costs no latency: on the sync path at 20 requests a
     * second, a request took p50 2 ms, mean 2.8 ms from its append at the broker to the dispatcher
     * with 500 ms and with 5 ms alike. A 5 ms hold made an idle dispatcher's consumer fetch 200 times
     * a second, which kept the broker's network, request and purgatory threads busy.
     */
    static final String FETCH_MAX_WAIT_MS = "500";

    private StreamsProps() {}

    /** The settings with a dead-letter route that counts nowhere, for tests and tools. */
    public static Properties of(DispatcherConfig config, Properties caller) {
        return of(config, caller, new DeadLetterRoute(config.topics(), DispatcherMetrics.noop(), Clock.systemUTC()));
    }

    /**
     * @param config the dispatcher's settings
     * @param caller bootstrap servers, state directory, security and any other client settings
     * @param deadLetters where records the dispatcher cannot take go
     */
    public static Properties of(DispatcherConfig config, Properties caller, DeadLetterRoute deadLetters) {
        Properties p = new Properties();
        // Wall-clock punctuation only runs between polls: a thread must not block longer than a tick
        // while its tasks have work coming due. It blocks longer while they have none (PollPacer).
        p.put(
                StreamsConfig.POLL_MS_CONFIG,
                Long.toString(config.punctuateInterval().toMillis()));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), LINGER_MS);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), FETCH_MAX_WAIT_MS);
        // Requests, results and cancels need no timestamp alignment across their partitions (the
        // processor copes with any order), so a task never idles waiting for one of them.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // A dispatcher that died without leaving its group holds its partitions until its session
        // expires; keep that short (the consumer default is 45 s).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "2000");
        p.putAll(caller);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.numStreamThreads()));
        // at_least_once, not exactly_once_v2: under EOS a batch becomes visible to workers only when
        // the transaction commits (every 100 ms by default), which would dominate a 20 ms batching
        // delay. Replays after a crash are harmless: the processor ignores job ids it has seen
        // (dedupe store) and finished jobs, and releases workers idempotently.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // A record no serde can read or that breaks the contract (poison), or one that makes a
        // processor fail, goes to the dead letters; it must not stop dispatching.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnDecodeError.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterOnProcessingError.class);
        p.put(DeadLetterRoute.CONFIG, deadLetters);
        return p;
    }
}
