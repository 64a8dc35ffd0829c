package io.inferbroker.replay.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferbroker.schemas.Cost;
import io.inferbroker.schemas.JobStatus;
import io.inferbroker.schemas.Timings;
import io.inferbroker.schemas.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Hand-written readers of the two values a cost replay reads by the million: results and dispatch
 * batches. They walk the JSON tokens once, keep the fields a replay uses and skip the rest (outputs,
 * inputs) without building them. Field names and meanings are those of the JSON Schemas of {@code
 * job-result} and {@code dispatch-batch}. Thread-safe.
 */
final class StreamingViews {
    private final JsonFactory factory;
    private final StringCache strings = new StringCache(4096);

    StreamingViews(JsonFactory factory) {
        this.factory = factory;
    }

    private String cached(JsonParser p) throws IOException {
        return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    Views.ResultView result(byte[] json) throws IOException {
        try (JsonParser p = factory.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            ResultFields f = new ResultFields();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case "job_id" -> f.jobId = p.getText();
                    case "tenant_id" -> f.tenantId = cached(p);
                    case "model" -> f.model = cached(p);
                    case "status" -> f.status = status(cached(p));
                    case "worker_id" -> f.workerId = cached(p);
                    case "attempt" -> f.attempt = p.getIntValue();
                    case "usage" -> f.usage = usage(p);
                    case "cost" -> f.cost = cost(p);
                    case "timings" -> f.timings = timings(p);
                    default -> p.skipChildren();
                }
            }
            return f.view();
        }
    }

    /** Takes each job of a dispatch batch: the hash of its id ({@link BatchSizes#idHash}) and attempt. */
    @FunctionalInterface
    interface BatchJob {
        void accept(long idHash, int attempt);
    }

    /** Calls {@code each} with every job of a batch; returns the batch size. */
    int batch(byte[] json, BatchJob each) throws IOException {
        try (JsonParser p = factory.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            int size = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals("jobs") || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    long idHash = 0;
                    boolean hasId = false;
                    int attempt = 0;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        switch (field) {
                            case "job_id" -> {
                                idHash = BatchSizes.idHash(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                                hasId = true;
                            }
                            case "attempt" -> attempt = p.getIntValue();
                            default -> p.skipChildren();
                        }
                    }
                    if (!hasId) {
                        throw new IOException("a dispatched job without job_id");
                    }
                    each.accept(idHash, attempt);
                    size++;
                }
            }
            return size;
        }
    }

    private static Usage usage(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        int prompt = 0;
        int completion = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "prompt_tokens" -> prompt = p.getIntValue();
                case "completion_tokens" -> completion = p.getIntValue();
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion);
    }

    private Cost cost(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        BigDecimal amount = BigDecimal.ZERO;
        String currency = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "amount" -> amount = p.getDecimalValue();
                case "currency" -> currency = cached(p);
                default -> p.skipChildren();
            }
        }
        return new Cost(amount, currency);
    }

    private static Timings timings(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT);
        Instant[] at = new Instant[5];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            int i = switch (name) {
                case "accepted_at" -> 0;
                case "dispatched_at" -> 1;
                case "started_at" -> 2;
                case "first_token_at" -> 3;
                case "completed_at" -> 4;
                default -> -1;
            };
            if (i < 0 || t == JsonToken.VALUE_NULL) {
                p.skipChildren();
            } else {
                at[i] = WireTime.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            }
        }
        if (at[0] == null || at[4] == null) {
            throw new IOException("timings without accepted_at or completed_at");
        }
        return new Timings(at[0], at[1], at[2], at[3], at[4]);
    }

    private static JobStatus status(String wire) throws IOException {
        return switch (wire) {
            case "succeeded" -> JobStatus.SUCCEEDED;
            case "failed" -> JobStatus.FAILED;
            case "expired" -> JobStatus.EXPIRED;
            case "canceled" -> JobStatus.CANCELED;
            case "rejected" -> JobStatus.REJECTED;
            default -> throw new IOException("not a terminal status: '" + wire + "'");
        };
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }

    /** The fields of a result as they are found. */
    private static final class ResultFields {
        @Nullable
        String jobId;

        @Nullable
        String tenantId;

        @Nullable
        String model;

        @Nullable
        JobStatus status;

        @Nullable
        String workerId;

        int attempt;

        @Nullable
        Usage usage;

        @Nullable
        Cost cost;

        @Nullable
        Timings timings;

        Views.ResultView view() throws IOException {
            if (jobId == null || tenantId == null || model == null || status == null || timings == null) {
                throw new IOException("a result needs job_id, tenant_id, model, status and timings");
            }
            return new Views.ResultView(jobId, tenantId, model, status, usage, cost, workerId, attempt, timings);
        }
    }
}
