package io.inferbroker.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A process that starts PostgreSQL on a data directory, prints {@code ready}, and runs until it is
 * killed: a broker to kill in tests. {@code watched} starts it as the broker does; {@code bare} starts
 * it without a watchdog, as a broker that dies without one leaves it.
 */
public final class PostgresOwner {
    private PostgresOwner() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        if (args[0].equals("watched")) {
            EmbeddedPostgres.start(data, 0);
        } else {
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .start();
        }
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
