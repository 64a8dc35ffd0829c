package io.inferbroker.dispatcher.internal;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * A record no serde can read, or one that breaks the wire contract, goes to the dead letters and
 * processing continues with the next record: one bad record never stops a stream thread.
 */
public final class DeadLetterOnDecodeError implements DeserializationExceptionHandler {
    private DeadLetterRoute route;

    @Override
    public void configure(Map<String, ?> configs) {
        this.route = DeadLetterRoute.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
        return Response.resume(
                route.letter(record.topic(), record.partition(), record.offset(), record.key(), record.value(), e));
    }
}
