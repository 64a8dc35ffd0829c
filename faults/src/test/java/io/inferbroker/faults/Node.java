package io.inferbroker.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One OS process of the system under test (a broker role, Kafka or PostgreSQL), started from the
 * test JVM's own class path with its output appended to a log file under {@code target/}. Killing
 * is SIGKILL of the process and every descendant, plus the processes named by {@code extraPidFile}
 * (a PostgreSQL {@code postmaster.pid}: the postmaster is not a descendant of whoever started it).
 * Not thread-safe; the fault schedule drives one node at a time.
 */
final class Node implements AutoCloseable {
    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path log;
    private final Optional<Path> extraPidFile;
    private Process process;
    private int starts;
    private int respawns;

    Node(String name, String mainClass, List<String> args, Map<String, String> env, Path logDir, String heap) {
        this(name, mainClass, args, env, logDir, heap, Optional.empty());
    }

    Node(
            String name,
            String mainClass,
            List<String> args,
            Map<String, String> env,
            Path logDir,
            String heap,
            Optional<Path> extraPidFile) {
        this.name = name;
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(args);
        this.command = List.copyOf(cmd);
        this.env = Map.copyOf(env);
        this.log = logDir.resolve(name + ".log");
        this.extraPidFile = extraPidFile;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Starts the process (again); its output goes to the end of its log. */
    void start() {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(
                    log,
                    "==== start " + (++starts) + " of " + name + "\n",
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /**
     * Supervises like a service manager would: a process that exited by itself (a role gives up when
     * Kafka does not answer within its connect timeout) is started again. False when it had to be.
     */
    boolean aliveOrRespawned() {
        if (process != null && !process.isAlive()) {
            respawns++;
            start();
            return false;
        }
        return true;
    }

    /** How often {@link #aliveOrRespawned()} started the process again. */
    int respawns() {
        return respawns;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Text the process logged since it was last started. */
    String currentLog() {
        try {
            String all = Files.readString(log);
            int at = all.lastIndexOf("==== start " + starts + " of ");
            return at < 0 ? all : all.substring(at);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL the process, its descendants and the processes its pid file names; waits for them to die. */
    void kill() {
        List<ProcessHandle> victims = new ArrayList<>();
        extraPidFile.flatMap(Node::pidFrom).ifPresent(h -> {
            victims.addAll(h.descendants().toList());
            victims.add(h);
        });
        if (process != null) {
            victims.addAll(process.descendants().toList());
            victims.add(process.toHandle());
        }
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(name + ": process " + h.pid() + " survived SIGKILL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The live process a PostgreSQL-style pid file names (its first line), if it is a postgres process. */
    static Optional<ProcessHandle> pidFrom(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first =
                    Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            if (first.isEmpty()) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(first))
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().orElse("").contains("postgres"));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGTERM, then waits up to a minute for the process to exit; true when it did. */
    boolean terminate() throws InterruptedException {
        if (process == null) {
            return true;
        }
        process.destroy();
        return process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        kill();
    }
}
