package io.inferbroker.faults;

import io.inferbroker.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded single-node Kafka as a process of its own, so a fault suite can kill it with
 * SIGKILL and start it again on the same data directory and port. Arguments: data directory, port.
 * Prints {@link #READY} and the bootstrap servers once the broker answers, then blocks until killed.
 */
public final class KafkaServerMain {
    static final String READY = "kafka ready at ";

    private KafkaServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            stopped.countDown();
                        },
                        "kafka-shutdown"));
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
