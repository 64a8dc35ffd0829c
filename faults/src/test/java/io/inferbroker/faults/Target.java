package io.inferbroker.faults;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Something a fault suite kills with SIGKILL and starts again: how to kill it, how to stop it
 * gracefully (SIGTERM, as an upgrade does; absent for what the suite only kills), how to start it,
 * when it says it is ready, and how to tell that it works again (probe jobs through {@code ingress},
 * a job run by {@code worker}).
 */
record Target(
        String name,
        Runnable kill,
        Optional<Runnable> stop,
        Runnable start,
        BooleanSupplier ready,
        Optional<String> ingress,
        Optional<String> worker) {

    static Target of(Node node, BooleanSupplier ready) {
        return new Target(
                node.name(), node::kill, Optional.empty(), node::start, ready, Optional.empty(), Optional.empty());
    }

    /** This target, stopped gracefully by {@code node}'s SIGTERM in the suite's graceful round. */
    Target stoppable(Node node) {
        return new Target(name, kill, Optional.of(() -> terminate(node)), start, ready, ingress, worker);
    }

    Target ingress(String base) {
        return new Target(name, kill, stop, start, ready, Optional.of(base), worker);
    }

    Target worker(String id) {
        return new Target(name, kill, stop, start, ready, ingress, Optional.of(id));
    }

    private static void terminate(Node node) {
        try {
            if (!node.terminate()) {
                throw new IllegalStateException(node.name() + " did not stop within a minute of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + node.name(), e);
        }
    }
}
