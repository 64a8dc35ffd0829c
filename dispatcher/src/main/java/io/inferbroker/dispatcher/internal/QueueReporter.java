package io.inferbroker.dispatcher.internal;

import io.inferbroker.schemas.QueueStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Decides, on each tick, which queue statuses of one task's models to publish: a model's status when
 * its depth or oldest job changed, but at most once per {@link #MIN_INTERVAL}, and unchanged at
 * least every {@link #HEARTBEAT}, so readers can tell a live zero from a dispatcher that stopped.
 * Every model that had a queue since the task started keeps its heartbeat (models are few). Confined
 * to one stream thread.
 */
final class QueueReporter {
    /** Bounds the rate of one model's statuses: a queue changing every millisecond is reported ten times a second. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** An unchanged status is repeated this often; readers treat one much older as stale. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private record Sent(int queued, @Nullable Instant oldest, Instant at) {}

    private final Map<String, Sent> sent = new HashMap<>();

    /** The statuses due at {@code now}, remembered as sent; in model order. */
    List<QueueStatus> due(JobBook book, Instant now) {
        Set<String> models = new TreeSet<>(sent.keySet());
        models.addAll(book.modelsWithQueue());
        List<QueueStatus> due = new ArrayList<>();
        for (String model : models) {
            int queued = book.queued(model);
            OptionalLong oldestMillis = book.oldestQueuedAt(model);
            Instant oldest = oldestMillis.isPresent() ? Instant.ofEpochMilli(oldestMillis.getAsLong()) : null;
            Sent last = sent.get(model);
            if (last == null || isDue(last, queued, oldest, now)) {
                sent.put(model, new Sent(queued, oldest, now));
                due.add(new QueueStatus(QueueStatus.VERSION, model, queued, oldest, now));
            }
        }
        return due;
    }

    private static boolean isDue(Sent last, int queued, @Nullable Instant oldest, Instant now) {
        Duration since = Duration.between(last.at(), now);
        if (since.compareTo(HEARTBEAT) >= 0) {
            return true;
        }
        boolean changed = last.queued() != queued || !Objects.equals(last.oldest(), oldest);
        return changed && since.compareTo(MIN_INTERVAL) >= 0;
    }
}
