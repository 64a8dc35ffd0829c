package io.inferbroker.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lock that gives one broker process a data directory, with the embedded Kafka and PostgreSQL in
 * it: two brokers writing one Kafka log corrupt it. The operating system releases the lock when its
 * process dies, however it dies, so a crash never leaves the directory locked. Close to release.
 */
public final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "broker.lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dataDir} for this process, waiting up to {@code patience} for a broker that is
     * still stopping on it (a restart right after a stop).
     *
     * @throws EmbeddedStartException when another process still holds it after {@code patience}
     */
    public static DataDirectoryLock acquire(Path dataDir, Duration patience) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EmbeddedStartException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
        // A blocking lock in a thread of its own: it returns the moment the holder releases.
        CompletableFuture<FileLock> locking = CompletableFuture.supplyAsync(() -> {
            try {
                return channel.lock();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            FileLock lock = locking.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            String pid = Long.toString(ProcessHandle.current().pid());
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid.getBytes(StandardCharsets.US_ASCII)), 0);
            return new DataDirectoryLock(channel, lock);
        } catch (TimeoutException | ExecutionException e) {
            String holder = holder(file);
            closeQuietly(channel);
            throw new EmbeddedStartException("data directory " + dataDir + " is in use by another broker"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + "; stop it, or give this one another --data-dir");
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EmbeddedStartException("cannot lock data directory " + dataDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new EmbeddedStartException("interrupted while waiting for data directory " + dataDir, e);
        }
    }

    private static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held yet
        }
    }

    /** Releases the directory; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot release the data directory lock", e);
            }
        }
    }
}
