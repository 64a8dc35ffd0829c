package io.inferbroker.dispatcher.internal;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record that decoded but made a processor fail goes to the dead letters, and processing continues
 * with the next record. A failing punctuation has no record to set aside: it still fails the thread.
 */
public final class DeadLetterOnProcessingError implements ProcessingExceptionHandler {
    private DeadLetterRoute route;

    @Override
    public void configure(Map<String, ?> configs) {
        this.route = DeadLetterRoute.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
        if (context.topic() == null) {
            return Response.fail();
        }
        return Response.resume(route.letter(
                context.topic(),
                context.partition(),
                context.offset(),
                context.sourceRawKey(),
                context.sourceRawValue(),
                new IllegalStateException("processor " + context.processorNodeId() + " failed: " + e, e)));
    }
}
