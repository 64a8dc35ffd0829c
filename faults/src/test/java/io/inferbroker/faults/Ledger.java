package io.inferbroker.faults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** What the clients did and saw: every accepted job, refusals, retries, stream verdicts. Thread-safe. */
final class Ledger {
    /** How a job was submitted. */
    enum Kind {
        ASYNC,
        WAIT,
        SYNC,
        STREAM,
        PROBE
    }

    record Accepted(String id, Kind kind, int status) {}

    final Map<String, Accepted> jobs = new ConcurrentHashMap<>();
    final AtomicLong submits = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    /** What refused submits were answered, status and body, for the table. */
    final java.util.Queue<String> refusals = new java.util.concurrent.ConcurrentLinkedQueue<>();

    final AtomicLong gaveUp = new AtomicLong();
    /** Submits answered 200 or 202 whose body named no job (then retried): an answer cut in a stop. */
    final AtomicLong acceptedWithoutId = new AtomicLong();

    final AtomicLong syncUnanswered = new AtomicLong();
    final AtomicLong streams = new AtomicLong();
    final AtomicLong streamsExact = new AtomicLong();
    final AtomicLong streamResumes = new AtomicLong();
    final AtomicLong streamsUnfinished = new AtomicLong();
    final List<String> streamFaults = new CopyOnWriteArrayList<>();

    void accepted(String id, Kind kind, int status) {
        jobs.putIfAbsent(id, new Accepted(id, kind, status));
    }

    long accepted(Kind kind) {
        return jobs.values().stream().filter(a -> a.kind() == kind).count();
    }

    long acceptedLoad() {
        return jobs.values().stream().filter(a -> a.kind() != Kind.PROBE).count();
    }

    void streamFault(String jobId, String what) {
        streamFaults.add(jobId + ": " + what);
    }
}
