package io.inferbroker.ingress.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** Sends one record and hands back Kafka's acknowledgement of it, bounded in time. Stateless. */
final class AckedSend {
    private AckedSend() {}

    /**
     * Sends the record {@code record} makes. The future completes when Kafka acknowledged it; it fails
     * with the producer's error, with a {@link KafkaException} thrown while the record was made or
     * handed to the producer, or with a {@link java.util.concurrent.TimeoutException} after {@code
     * timeout}. Never throws a {@link KafkaException} itself.
     */
    static <K, V> CompletableFuture<Void> send(
            Producer<K, V> producer, Supplier<ProducerRecord<K, V>> record, Duration timeout) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(record.get(), (meta, error) -> {
                if (error == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(error);
                }
            });
        } catch (KafkaException e) {
            acked.completeExceptionally(e);
        }
        return acked.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
