package io.inferbroker.replay.internal;

import io.inferbroker.replay.AuditEntry;
import io.inferbroker.replay.AuditEvent;
import io.inferbroker.replay.AuditTrail;
import io.inferbroker.replay.ReplayRange;
import io.inferbroker.replay.SkippedRecords;
import io.inferbroker.schemas.ControlCommand;
import io.inferbroker.schemas.JobRequested;
import io.inferbroker.schemas.JobResult;
import io.inferbroker.schemas.LifecycleEvent;
import io.inferbroker.schemas.TokenDelta;
import io.inferbroker.schemas.Topic;
import io.inferbroker.schemas.WebhookDelivery;
import io.inferbroker.schemas.WireSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Builds the timelines of a fixed set of jobs from the records of every audited topic. Only those
 * jobs' entries are kept, and of the tokens only each attempt's first. Not thread-safe.
 */
public final class AuditCollector {
    private final Set<String> jobs;
    private final Map<String, List<AuditEntry>> entries = new HashMap<>();

    public AuditCollector(Set<String> jobs) {
        this.jobs = Set.copyOf(jobs);
    }

    /** Takes one record of any audited topic; records of other jobs cost a key comparison at most. */
    public void accept(Topic topic, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (topic != Topic.WEBHOOKS
                && (r.key() == null || !jobs.contains(new String(r.key(), StandardCharsets.UTF_8)))) {
            return;
        }
        String at = Views.where(r);
        switch (topic) {
            case REQUESTS -> accepted(WireSerdes.JOB_REQUESTED.deserialize(r.topic(), r.value()), at);
            case EVENTS -> lifecycle(WireSerdes.LIFECYCLE_EVENT.deserialize(r.topic(), r.value()), at);
            case TOKENS -> token(WireSerdes.TOKEN_DELTA.deserialize(r.topic(), r.value()), at);
            case RESULTS -> result(WireSerdes.JOB_RESULT.deserialize(r.topic(), r.value()), at);
            case CONTROL -> control(WireSerdes.CONTROL_COMMAND.deserialize(r.topic(), r.value()), at);
            case WEBHOOKS -> webhook(WireSerdes.WEBHOOK_DELIVERY.deserialize(r.topic(), r.value()), at);
            default -> {
                // Not part of a timeline: the events topic already records dispatches.
            }
        }
    }

    private void accepted(@Nullable JobRequested j, String source) {
        if (j == null) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", j.model());
        f.put("kind", j.kind().name().toLowerCase(java.util.Locale.ROOT));
        f.put("api_key_id", j.apiKeyId());
        if (j.idempotencyKey() != null) {
            f.put("idempotency_key", j.idempotencyKey());
        }
        f.put("priority", Integer.toString(j.priority()));
        if (j.deadline() != null) {
            f.put("deadline", j.deadline().toString());
        }
        if (j.webhook() != null) {
            f.put("webhook", j.webhook().url());
        }
        add(j.acceptedAt(), j.jobId(), AuditEvent.ACCEPTED, j.tenantId(), null, null, f, source);
    }

    private void lifecycle(@Nullable LifecycleEvent e, String source) {
        if (e == null) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("model", e.model());
        if (e.error() != null) {
            f.put("error_code", e.error().code());
            f.put("error_message", e.error().message());
        }
        AuditEvent event = AuditEvent.valueOf(e.type().name());
        add(e.at(), e.jobId(), event, e.tenantId(), e.workerId(), e.attempt(), f, source);
    }

    private void token(@Nullable TokenDelta t, String source) {
        if (t == null || t.seq() != 1) {
            return;
        }
        add(t.at(), t.jobId(), AuditEvent.FIRST_TOKEN, null, null, t.attempt(), Map.of(), source);
    }

    private void result(@Nullable JobResult r, String source) {
        if (r == null) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", r.status().wireName());
        if (r.usage() != null) {
            f.put("prompt_tokens", Integer.toString(r.usage().promptTokens()));
            f.put("completion_tokens", Integer.toString(r.usage().completionTokens()));
        }
        if (r.cost() != null) {
            f.put("cost", r.cost().amount().toPlainString());
            f.put("currency", r.cost().currency());
        }
        if (r.error() != null) {
            f.put("error_code", r.error().code());
        }
        add(
                r.timings().completedAt(),
                r.jobId(),
                AuditEvent.RESULT,
                r.tenantId(),
                r.workerId(),
                r.attempt(),
                f,
                source);
    }

    private void control(@Nullable ControlCommand c, String source) {
        if (c == null) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("action", c.action().name().toLowerCase(java.util.Locale.ROOT));
        if (c.reason() != null) {
            f.put("reason", c.reason());
        }
        add(c.at(), c.jobId(), AuditEvent.CANCEL_REQUESTED, c.tenantId(), null, null, f, source);
    }

    private void webhook(@Nullable WebhookDelivery d, String source) {
        if (d == null || !jobs.contains(d.jobId())) {
            return;
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("delivery_id", d.deliveryId());
        f.put("event_type", d.eventType());
        f.put("url", d.url());
        f.put("outcome", d.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (d.httpStatus() != null) {
            f.put("http_status", d.httpStatus().toString());
        }
        if (d.error() != null) {
            f.put("error", d.error());
        }
        if (d.nextAttemptAt() != null) {
            f.put("next_attempt_at", d.nextAttemptAt().toString());
        }
        add(d.at(), d.jobId(), AuditEvent.WEBHOOK, d.tenantId(), null, d.attempt(), f, source);
    }

    private void add(
            Instant at,
            String jobId,
            AuditEvent event,
            @Nullable String tenant,
            @Nullable String worker,
            @Nullable Integer attempt,
            Map<String, String> fields,
            String source) {
        StringBuilder detail = new StringBuilder();
        fields.forEach((k, v) -> detail.append(detail.isEmpty() ? "" : ", ")
                .append(k)
                .append('=')
                .append(v));
        entries.computeIfAbsent(jobId, k -> new ArrayList<>())
                .add(new AuditEntry(at, jobId, event, tenant, worker, attempt, fields, detail.toString(), source));
    }

    /** The timelines: each job's entries by time, jobs by their first entry. */
    public AuditTrail trail(ReplayRange range, boolean truncated, long recordsRead, SkippedRecords skipped) {
        List<List<AuditEntry>> timelines = new ArrayList<>();
        for (List<AuditEntry> list : entries.values()) {
            List<AuditEntry> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparing(AuditEntry::at)
                    .thenComparing(e -> e.event().ordinal()));
            timelines.add(sorted);
        }
        timelines.sort(Comparator.comparing((List<AuditEntry> l) -> l.getFirst().at())
                .thenComparing(l -> l.getFirst().jobId()));
        List<AuditEntry> all = new ArrayList<>();
        timelines.forEach(all::addAll);
        return new AuditTrail(range, all, timelines.size(), truncated, recordsRead, skipped);
    }
}
