package io.inferbroker.bench;

import java.util.concurrent.TimeUnit;

/** The dispatcher's own figures a benchmark prints: its delays and where its stream thread's time goes. */
final class DispatcherFigures {
    private DispatcherFigures() {}

    /** The dispatcher's stream thread: where its time goes (Kafka Streams' own meters, recent window). */
    static void printStreamThread(io.micrometer.core.instrument.MeterRegistry registry) {
        StringBuilder line = new StringBuilder("  dispatcher stream thread:");
        for (String name : new String[] {
            "poll.ratio", "process.ratio", "punctuate.ratio", "commit.ratio",
            "poll.latency.avg", "process.latency.avg", "poll.records.avg", "process.records.avg"
        }) {
            double sum = registry.find("kafka.stream.thread." + name).gauges().stream()
                    .mapToDouble(g -> g.value())
                    .filter(Double::isFinite)
                    .sum();
            line.append(String.format(" %s %.3f", name, sum));
        }
        System.out.println(line);
    }

    /** Mean arrival delay (acceptance -> dispatcher queue) and queueing delay, from the broker's own timers. */
    record Times(long arrivals, double arrivalNanos, long dispatches, double queuedNanos) {
        static Times of(io.micrometer.core.instrument.MeterRegistry registry) {
            var arrival = registry.find("broker.dispatcher.arrival.delay").timers();
            var queued = registry.find("broker.dispatcher.queueing.delay").timers();
            return new Times(
                    arrival.stream().mapToLong(t -> t.count()).sum(),
                    arrival.stream()
                            .mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS))
                            .sum(),
                    queued.stream().mapToLong(t -> t.count()).sum(),
                    queued.stream()
                            .mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS))
                            .sum());
        }

        Times since(Times before) {
            return new Times(
                    arrivals - before.arrivals,
                    arrivalNanos - before.arrivalNanos,
                    dispatches - before.dispatches,
                    queuedNanos - before.queuedNanos);
        }

        void print() {
            System.out.printf(
                    "  dispatcher: mean arrival delay (accepted -> in its queue) %.2f ms; mean queueing delay %.2f ms%n",
                    arrivalNanos / Math.max(1, arrivals) / 1e6, queuedNanos / Math.max(1, dispatches) / 1e6);
        }
    }
}
