package io.inferbroker.faults;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Something a fault suite kills with SIGKILL and starts again: how to kill it, how to start it, when
 * it says it is ready, and how to tell that it works again (probe jobs through {@code ingress}, a job
 * run by {@code worker}).
 */
record Target(
        String name,
        Runnable kill,
        Runnable start,
        BooleanSupplier ready,
        Optional<String> ingress,
        Optional<String> worker) {

    static Target of(Node node, BooleanSupplier ready) {
        return new Target(node.name(), node::kill, node::start, ready, Optional.empty(), Optional.empty());
    }

    Target ingress(String base) {
        return new Target(name, kill, start, ready, Optional.of(base), worker);
    }

    Target worker(String id) {
        return new Target(name, kill, start, ready, ingress, Optional.of(id));
    }
}
