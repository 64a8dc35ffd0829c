package io.inferbroker.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class IngressProducersTest {
    @Test
    void shouldKeepTheDeploymentsAddressesAndSecurityAndPutTheIngresssDurabilityOnTop() {
        Properties deployment = new Properties();
        deployment.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092");
        deployment.put("security.protocol", "SASL_SSL");
        deployment.put(ProducerConfig.ACKS_CONFIG, "1");
        deployment.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");

        Properties p = IngressProducers.settings(deployment, Duration.ofSeconds(5));

        assertThat(p)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000L);
        assertThat(deployment).containsEntry(ProducerConfig.ACKS_CONFIG, "1");
    }

    @Test
    void shouldKeepAShortSubmitTimeoutWithinWhatKafkaAccepts() {
        Properties p = IngressProducers.settings(new Properties(), Duration.ofMillis(300));

        assertThat((int) p.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
                .isGreaterThanOrEqualTo((int) p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                        + Integer.parseInt((String) p.get(ProducerConfig.LINGER_MS_CONFIG)));
        assertThat(p).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300L);
    }
}
