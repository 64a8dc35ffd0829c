package io.inferbroker.ingress;

import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.WireSerdes;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The ingress's producers of accepted jobs and control commands, with the settings the API's promise
 * needs: a job is answered {@code 202} only once every in-sync replica has it ({@code acks=all}),
 * a retried send never writes it twice (idempotence), and a send that cannot complete fails within
 * the submit timeout, so the request gets its {@code 503} in time. Closing closes both.
 *
 * @param requests producer of {@link io.inferbroker.schemas.TopicNames#requests()}
 * @param control producer of {@link io.inferbroker.schemas.TopicNames#control()}
 */
public record IngressProducers(Producer<String, JobRequested> requests, Producer<String, ControlCommand> control)
        implements AutoCloseable {
    /** Kafka's shortest delivery timeout that still leaves room for one retry of a lost request. */
    private static final long MIN_DELIVERY_TIMEOUT_MS = 2000;

    /**
     * @param kafka bootstrap servers, security and any other client settings of the deployment
     * @param submitTimeout how long a submit waits for Kafka's acknowledgement
     */
    public static IngressProducers open(Properties kafka, Duration submitTimeout) {
        Properties p = settings(kafka, submitTimeout);
        KafkaProducer<String, JobRequested> requests =
                new KafkaProducer<>(p, new StringSerializer(), WireSerdes.JOB_REQUESTED);
        try {
            return new IngressProducers(
                    requests, new KafkaProducer<>(p, new StringSerializer(), WireSerdes.CONTROL_COMMAND));
        } catch (RuntimeException e) {
            requests.close();
            throw e;
        }
    }

    /** The deployment's settings with the ingress's own on top (these win). */
    static Properties settings(Properties kafka, Duration submitTimeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        long delivery = Math.max(submitTimeout.toMillis(), MIN_DELIVERY_TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) delivery);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) delivery - 10);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, submitTimeout.toMillis());
        return p;
    }

    @Override
    public void close() {
        try {
            requests.close();
        } finally {
            control.close();
        }
    }
}
