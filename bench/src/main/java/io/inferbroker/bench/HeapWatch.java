package io.inferbroker.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's heap over time: heap used sampled every 100 ms, and the heap left after every
 * collection (from the collectors' notifications, so nothing here triggers a GC). The heap after a
 * GC is the live set plus what the collection left for later; its maximum over a period is the
 * figure that shows growth. Close it to stop sampling.
 */
final class HeapWatch implements AutoCloseable {
    private final List<long[]> used = new ArrayList<>(); // {nanoTime, bytes}
    private final List<long[]> afterGc = new ArrayList<>(); // {nanoTime, bytes}
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> detach = new ArrayList<>();

    private HeapWatch() {}

    static HeapWatch start() {
        HeapWatch watch = new HeapWatch();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        NotificationListener listener = (Notification n, Object handback) -> {
            if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                return;
            }
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long bytes = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                    .filter(e -> heapPools.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed())
                    .sum();
            synchronized (watch) {
                watch.afterGc.add(new long[] {System.nanoTime(), bytes});
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                watch.detach.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        var memory = ManagementFactory.getMemoryMXBean();
        watch.sampler.scheduleAtFixedRate(
                () -> {
                    long bytes = memory.getHeapMemoryUsage().getUsed();
                    synchronized (watch) {
                        watch.used.add(new long[] {System.nanoTime(), bytes});
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
        return watch;
    }

    /** Forgets everything before {@code from} (nanoTime). */
    synchronized void reset(long from) {
        used.removeIf(s -> s[0] < from);
        afterGc.removeIf(s -> s[0] < from);
    }

    /** Heap figures between two nanoTimes. */
    synchronized Window window(long from, long to) {
        long maxUsed = 0;
        for (long[] s : used) {
            if (s[0] >= from && s[0] < to) {
                maxUsed = Math.max(maxUsed, s[1]);
            }
        }
        long maxAfter = 0;
        int collections = 0;
        for (long[] s : afterGc) {
            if (s[0] >= from && s[0] < to) {
                maxAfter = Math.max(maxAfter, s[1]);
                collections++;
            }
        }
        return new Window(maxUsed, maxAfter, collections);
    }

    /** Heap figures of one period, in bytes. */
    record Window(long maxUsed, long maxAfterGc, int collections) {}

    @Override
    public void close() {
        sampler.shutdownNow();
        detach.forEach(Runnable::run);
    }
}
