package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.LifecycleType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.MockProcessorContext;

/** What a dispatcher task under a {@link MockProcessorContext} forwarded, and its tick. */
final class TaskOutputs {
    private TaskOutputs() {}

    /** The lifecycle events forwarded so far, in order. */
    static List<LifecycleType> events(MockProcessorContext<String, Outbound> context) {
        List<LifecycleType> types = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Event e) {
                types.add(e.event().type());
            }
        }
        return types;
    }

    /** The jobs of every batch forwarded so far, in order. */
    static List<DispatchedJob> dispatched(MockProcessorContext<String, Outbound> context) {
        List<DispatchedJob> sent = new ArrayList<>();
        for (var forward : context.forwarded()) {
            if (forward.record().value() instanceof Outbound.Batch b) {
                sent.addAll(b.batch().jobs());
            }
        }
        return sent;
    }

    /** Runs the task's tick (its first scheduled punctuator) at {@code now}. */
    static void tick(MockProcessorContext<String, Outbound> context, Instant now) {
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        context.scheduledPunctuators().getFirst().getPunctuator().punctuate(now.toEpochMilli());
    }
}
