package io.inferbroker.store.internal;

import io.inferbroker.schemas.DeadLetter;
import java.util.concurrent.CompletableFuture;

/** Where the sink writes records it sets aside; the future completes once the dead letter is stored. */
@FunctionalInterface
public interface DeadLetterOutbox {
    CompletableFuture<Void> send(DeadLetter letter);
}
