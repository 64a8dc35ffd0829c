package io.inferbroker.ingress;

import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.store.ApiKeyStore;
import io.inferbroker.store.JobStore;
import java.util.Properties;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the API talks to, built and owned by the caller (who closes the producers).
 *
 * @param requests producer of accepted jobs; must be configured with acks=all and idempotence
 * @param control producer of control commands (cancel); same settings
 * @param kafkaClient client settings (bootstrap servers, security) for the consumers the API runs
 *     itself, such as fan-out readers of results
 * @param adminKey the key of the admin API; empty disables it
 */
public record IngressPorts(
        Producer<String, JobRequested> requests,
        Producer<String, ControlCommand> control,
        Properties kafkaClient,
        JobStore jobs,
        ApiKeyStore keys,
        String adminKey) {}
