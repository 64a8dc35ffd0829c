package io.inferbroker.faults;

import io.inferbroker.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the embedded PostgreSQL on a data directory and port and stays alive as its owner (the
 * data directory lock), so a fault suite can kill the owner and the postmaster (whose pid is in
 * {@code postmaster.pid}) with SIGKILL and start them again. Prints {@link #READY} once the server
 * accepts connections.
 */
public final class PostgresServerMain {
    static final String READY = "postgres ready at ";

    private PostgresServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            pg.close();
                            stopped.countDown();
                        },
                        "postgres-shutdown"));
        System.out.println(READY + pg.jdbcUrl(EmbeddedPostgres.DATABASE));
        System.out.flush();
        stopped.await();
    }
}
