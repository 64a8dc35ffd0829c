package io.inferbroker.dispatcher.internal;

import io.inferbroker.dispatcher.DispatcherMetrics;
import io.inferbroker.schemas.ConsumerRole;
import io.inferbroker.schemas.DeadLetter;
import io.inferbroker.schemas.TopicNames;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the dispatcher's exception handlers send records they skip: one dead letter per record,
 * counted and logged once. Kafka Streams creates the handlers by class name, so the route reaches
 * them as an object in the Streams properties under {@link #CONFIG}.
 */
public record DeadLetterRoute(TopicNames topics, DispatcherMetrics metrics, InstantSource clock) {
    /** The Streams property that carries the route to the handlers. */
    public static final String CONFIG = "inferbroker.dispatcher.dead.letter.route";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRoute.class);

    static DeadLetterRoute from(Map<String, ?> configs) {
        if (configs.get(CONFIG) instanceof DeadLetterRoute route) {
            return route;
        }
        throw new ConfigException(CONFIG, configs.get(CONFIG), "the dispatcher's dead-letter route is not set");
    }

    /**
     * Counts and logs the skipped record and gives the dead letter to send. Records of the workers
     * topic are read by the global thread, which cannot send: they are counted and logged only.
     */
    List<ProducerRecord<byte[], byte[]>> letter(
            String topic, int partition, long offset, byte @Nullable [] key, byte @Nullable [] value, Exception cause) {
        DeadLetter letter =
                DeadLetter.of(ConsumerRole.DISPATCHER, topic, partition, offset, key, value, cause, clock.instant());
        metrics.deadLetter(topic);
        boolean global = topic.equals(topics.workers());
        LOG.warn(
                "dispatcher skips the record at {}-{} offset {}{}: {}",
                topic,
                partition,
                offset,
                global ? "" : ", written to " + topics.deadLetters(),
                letter.reason());
        if (global) {
            return List.of();
        }
        return List.of(new ProducerRecord<>(
                topics.deadLetters(),
                letter.sourceRef().getBytes(StandardCharsets.UTF_8),
                WireSerdes.DEAD_LETTER.serialize(topics.deadLetters(), letter)));
    }
}
