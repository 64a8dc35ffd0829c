package io.inferbroker.store;

import io.inferbroker.schemas.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jspecify.annotations.Nullable;

/**
 * A result sink in a JVM of its own, so a test can kill it with SIGKILL: no close, no leaving the
 * consumer group, as when a store process dies. Prints {@value #READY} once the sink is ready.
 */
final class SinkProcess {
    static final String READY = "sink-process-ready";

    private SinkProcess() {}

    /** Starts the process; it runs until killed. */
    static Process start(
            String bootstrap, StoreConfig store, TopicNames topics, String group, @Nullable String instanceId)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SinkProcess.class.getName(),
                bootstrap,
                store.jdbcUrl(),
                store.user(),
                store.password(),
                store.schema(),
                topics.prefix(),
                group));
        if (instanceId != null) {
            command.add(instanceId);
        }
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    public static void main(String[] args) throws InterruptedException {
        Properties kafka = new Properties();
        kafka.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        if (args.length > 7) {
            kafka.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, args[7]);
        }
        var registry = new SimpleMeterRegistry();
        StoreDatabase db = StoreDatabase.open(new StoreConfig(args[1], args[2], args[3], 2, args[4]), registry);
        ResultSink sink = new ResultSink(db, new TopicNames(args[5]), kafka, args[6], registry, Clock.systemUTC());
        sink.start();
        CountDownLatch never = new CountDownLatch(1);
        while (!sink.isReady()) {
            // polling a flag another thread sets; the process has nothing else to do
            never.await(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        System.out.println(READY);
        System.out.flush();
        never.await();
    }
}
