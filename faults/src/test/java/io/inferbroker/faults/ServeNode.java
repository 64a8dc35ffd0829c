package io.inferbroker.faults;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code broker serve} process on a data directory, killed with SIGKILL (it and its descendants:
 * what a crash or an OOM kill takes down) and started again on the same directory. It remembers the
 * embedded PostgreSQL postmasters a kill left running; a restart that dies is counted, those
 * postmasters are then killed and the restart tried once more, so the run goes on. Not thread-safe.
 */
final class ServeNode implements AutoCloseable {
    private final Node node;
    private final Path pidFile;
    private final Api api = new Api();
    private final String base;
    private final List<ProcessHandle> orphans = new ArrayList<>();
    private int failedRestarts;
    private boolean restarting;
    private long lingering;

    ServeNode(Path dir, int port, Map<String, String> env, Path config) {
        this.base = "http://127.0.0.1:" + port;
        this.pidFile = dir.resolve("data").resolve("postgres").resolve("postmaster.pid");
        java.util.HashMap<String, String> all = new java.util.HashMap<>(env);
        all.put("BROKER_PORT", Integer.toString(port));
        all.put("BROKER_DATA_DIR", dir.resolve("data").toString());
        this.node = new Node(
                "serve",
                "io.inferbroker.launcher.Main",
                List.of("serve", "--config", config.toString()),
                all,
                dir.resolve("logs"),
                "1g");
    }

    String base() {
        return base;
    }

    Path dataDir() {
        return pidFile.getParent().getParent();
    }

    Target target() {
        return new Target(
                        "serve",
                        this::kill,
                        Optional.empty(),
                        node::start,
                        this::ready,
                        Optional.of(base),
                        Optional.empty())
                .stoppable(node);
    }

    void start() {
        node.start();
    }

    void kill() {
        restarting = true;
        node.kill();
        Node.pidFrom(pidFile).ifPresent(orphans::add);
    }

    boolean ready() {
        if (!node.isAlive()) {
            failedRestarts++;
            killOrphans();
            node.start();
            return false;
        }
        boolean ready = node.currentLog().contains("Inferbroker is up at") && api.answers200(base + "/health/ready");
        if (ready && restarting) {
            restarting = false;
            lingering += orphansAlive();
        }
        return ready;
    }

    /** Postmasters of killed serve processes still running when serve was ready again. */
    long lingering() {
        return lingering;
    }

    /** Postmasters that outlived the serve process that started them. */
    int orphans() {
        return orphans.size();
    }

    /** Of those, the ones still running now. */
    long orphansAlive() {
        return orphans.stream().filter(ProcessHandle::isAlive).count();
    }

    int failedRestarts() {
        return failedRestarts;
    }

    /** Stops serve with SIGTERM, as an operator would, and waits; true when it exited within a minute. */
    boolean stop() throws InterruptedException {
        return node.terminate();
    }

    private void killOrphans() {
        for (ProcessHandle h : orphans) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().join();
        }
    }

    @Override
    public void close() {
        node.kill();
        killOrphans();
        Node.pidFrom(pidFile).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().join();
        });
    }
}
