package io.inferbroker.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server process of a data directory, as its {@code postmaster.pid} names it.
 *
 * <p>{@code pg_ctl start} detaches the server from the process that started it, so a JVM killed with
 * SIGKILL leaves it running, holding the data directory: the next start on that directory fails.
 * {@link #stopLeftover} stops such a server before a start; {@link #watch} makes the server stop when
 * the JVM that owns it dies, however it dies.
 */
final class Postmasters {
    private static final Logger LOG = LoggerFactory.getLogger(Postmasters.class);

    private Postmasters() {}

    /** The live server process that {@code dataDir/postmaster.pid} names, if any. */
    static Optional<ProcessHandle> running(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EmbeddedStartException("cannot read " + dataDir.resolve("postmaster.pid"), e);
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(Postmasters::isPostgres);
    }

    private static boolean isPostgres(ProcessHandle p) {
        // Where the platform hides the command, a live process named by the pid file is taken as the
        // server: PostgreSQL itself refuses to start beside it either way.
        return p.info().command().map(c -> c.endsWith("postgres")).orElse(true);
    }

    /**
     * Stops a server left running on {@code dataDir} by a process that died: a fast shutdown
     * (SIGINT: sessions end, a checkpoint is written), and SIGKILL when that takes longer than
     * {@code timeout}. Call only while holding the data directory's lock, so the server cannot belong
     * to a live broker.
     */
    static void stopLeftover(Path dataDir, Duration timeout) {
        Optional<ProcessHandle> left = running(dataDir);
        if (left.isEmpty()) {
            return;
        }
        ProcessHandle server = left.get();
        LOG.warn(
                "stopping PostgreSQL (pid {}) left running on {} by a broker that did not stop", server.pid(), dataDir);
        signal(server, "INT");
        if (!awaitExit(server, timeout)) {
            LOG.warn("PostgreSQL (pid {}) did not stop within {}; killing it", server.pid(), timeout);
            server.destroyForcibly();
            if (!awaitExit(server, timeout)) {
                throw new EmbeddedStartException(
                        "PostgreSQL (pid " + server.pid() + ") left running on " + dataDir + " does not stop");
            }
        }
    }

    /**
     * Starts a watchdog process that gives {@code server} a fast shutdown as soon as this JVM is gone:
     * it reads a pipe whose only writer is this JVM, and the kernel closes that pipe when the JVM
     * exits, whatever the cause. Destroy the returned process before a planned stop of the server.
     */
    static Process watch(ProcessHandle server) throws IOException {
        return new ProcessBuilder(
                        "sh", "-c", "while read -r _; do :; done; kill -INT " + server.pid() + " 2> /dev/null")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static void signal(ProcessHandle p, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            // No kill command: SIGTERM, PostgreSQL's smart shutdown, ends too once no client is left.
            p.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStartException("interrupted while stopping PostgreSQL (pid " + p.pid() + ")", e);
        }
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStartException("interrupted while stopping PostgreSQL (pid " + p.pid() + ")", e);
        }
    }
}
