package io.inferbroker.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU and memory of the process under test: this JVM (broker, embedded Kafka and the benchmark's
 * own client) and the embedded PostgreSQL's processes. CPU comes from the JVM's process and thread
 * CPU clocks and from the operating system for PostgreSQL; memory from {@code /proc}. Take a {@link
 * Snapshot} before and after a window and compare them.
 */
final class ProcessUsage {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Linux keeps a thread's name to 15 characters. */
    private static final int NATIVE_NAME = 15;

    private final ServePostgres postgres;

    ProcessUsage(ServePostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * CPU used so far: the whole process, each live platform thread (virtual threads count on their
     * carriers), and each of the JVM's own threads (JIT compilers, GC, VM), which are no Java threads,
     * by operating-system thread id.
     */
    record Snapshot(
            long nanoTime,
            long jvmCpuNanos,
            long postgresCpuNanos,
            Map<Long, ThreadTime> threads,
            Map<Long, ThreadTime> vmThreads) {
        double seconds(Snapshot later) {
            return (later.nanoTime - nanoTime) / 1e9;
        }

        long jvmCpu(Snapshot later) {
            return later.jvmCpuNanos - jvmCpuNanos;
        }

        long postgresCpu(Snapshot later) {
            return later.postgresCpuNanos - postgresCpuNanos;
        }

        /** CPU of the benchmark's own HTTP client threads between the two snapshots. */
        long clientCpu(Snapshot later) {
            return threadDeltas(later).entrySet().stream()
                    .filter(e -> e.getKey().startsWith(ClosedLoop.THREADS))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        /** CPU per Java thread ({@code name#id}) between the two snapshots; threads that ended in between are left out. */
        Map<String, Long> threadDeltas(Snapshot later) {
            return deltas(threads, later.threads);
        }

        /** The same for the JVM's own threads. */
        Map<String, Long> vmThreadDeltas(Snapshot later) {
            return deltas(vmThreads, later.vmThreads);
        }

        private static Map<String, Long> deltas(Map<Long, ThreadTime> before, Map<Long, ThreadTime> after) {
            Map<String, Long> out = new HashMap<>();
            after.forEach((id, t) -> {
                ThreadTime earlier = before.get(id);
                long delta = t.cpuNanos() - (earlier == null ? 0 : earlier.cpuNanos());
                out.merge(t.name() + "#" + id, delta, Long::sum);
            });
            return out;
        }
    }

    record ThreadTime(String name, long cpuNanos) {}

    Snapshot snapshot() {
        long[] ids = THREADS.getAllThreadIds();
        long[] cpu = THREADS.getThreadCpuTime(ids);
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        Map<Long, ThreadTime> threads = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0) {
                threads.put(ids[i], new ThreadTime(infos[i].getThreadName(), cpu[i]));
            }
        }
        Set<String> javaNames = threads.values().stream()
                .map(t -> t.name().substring(0, Math.min(NATIVE_NAME, t.name().length())))
                .collect(Collectors.toSet());
        return new Snapshot(
                System.nanoTime(), OS.getProcessCpuTime(), postgres.cpuNanos(), threads, vmThreads(javaNames));
    }

    /**
     * This process's operating-system threads whose name is no Java thread's (a Java thread's native
     * name is its name cut to {@value #NATIVE_NAME} characters), with their CPU time from {@code
     * /proc/self/task/<tid>/stat} (user and system time in clock ticks of 10 ms, Linux's USER_HZ).
     */
    private static Map<Long, ThreadTime> vmThreads(Set<String> javaNames) {
        Map<Long, ThreadTime> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (javaNames.contains(name)) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    out.put(Long.parseLong(task.getFileName().toString()), new ThreadTime(name, ticks * 10_000_000L));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        } catch (IOException noProc) {
            return out;
        }
        return out;
    }

    /**
     * The threads that used most CPU between two snapshots. {@code grouped} adds up threads whose
     * names differ only in numbers (Jetty's {@code qtp123-45}, Kafka's {@code producer-7}).
     */
    static void printTopThreads(Snapshot before, Snapshot after, int n, boolean grouped) {
        Map<String, Long> byName = new HashMap<>();
        before.threadDeltas(after).forEach((nameAndId, nanos) -> {
            String name = nameAndId.substring(0, nameAndId.lastIndexOf('#'));
            byName.merge(grouped ? group(name) : name, nanos, Long::sum);
        });
        double seconds = before.seconds(after);
        List<Map.Entry<String, Long>> top = byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(n)
                .toList();
        System.out.printf(
                "  top %d %s by CPU (%% of one core over %.0f s):%n",
                n, grouped ? "thread groups" : "threads", seconds);
        for (Map.Entry<String, Long> e : top) {
            System.out.printf("    %6.2f %%  %s%n", 100.0 * e.getValue() / 1e9 / seconds, e.getKey());
        }
        Map<String, Long> vm = new HashMap<>();
        before.vmThreadDeltas(after)
                .forEach((nameAndId, nanos) -> vm.merge(
                        nameAndId.substring(0, nameAndId.lastIndexOf('#')).replaceAll("#?\\d+$", "#"),
                        nanos,
                        Long::sum));
        System.out.printf(
                "    Java threads in all %.2f %%; the JVM's own threads (from /proc) %.2f %%:%s%n",
                percent(before.threadDeltas(after), seconds),
                percent(before.vmThreadDeltas(after), seconds),
                vm.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                        .limit(5)
                        .map(e -> String.format(" %s %.2f %%", e.getKey(), 100.0 * e.getValue() / 1e9 / seconds))
                        .collect(Collectors.joining(",")));
    }

    private static double percent(Map<String, Long> deltas, double seconds) {
        return 100.0 * deltas.values().stream().mapToLong(Long::longValue).sum() / 1e9 / seconds;
    }

    /** A thread's name with its ids left out: a UUID becomes {@code <id>}, every other number {@code #}. */
    private static String group(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d+", "#");
    }

    /** Heap used right after a full collection asked of the JVM, in bytes. */
    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** This JVM's resident set size ({@code VmRSS}), in bytes; 0 when unreadable. */
    static long rssBytes() {
        return procKilobytes(ProcessHandle.current().pid(), "status", "VmRSS:") * 1024;
    }

    /** The kB figure of the line starting with {@code field} in {@code /proc/<pid>/<file>}; 0 when absent. */
    static long procKilobytes(long pid, String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(
                            line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException unreadable) {
            return 0;
        }
        return 0;
    }

    static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
