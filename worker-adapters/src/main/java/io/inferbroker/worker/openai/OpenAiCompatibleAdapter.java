package io.inferbroker.worker.openai;

import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.TokenSink;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.internal.UpstreamAdapter;
import io.inferbroker.worker.internal.UpstreamCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs chat, completion and embedding jobs on an OpenAI-compatible server ({@code
 * /chat/completions}, {@code /completions}, {@code /embeddings} under {@link
 * EndpointConfig#baseUrl()}). Each job is its own HTTP/1.1 call on a virtual thread (the server
 * batches continuously itself) over one pooled keep-alive client. Text jobs stream by default, always
 * asking for usage ({@code stream_options.include_usage}); the job's input is the OpenAI request body
 * without {@code model}, which the adapter sets (mapped by {@link EndpointConfig#upstreamModel}).
 *
 * <p>Outputs match the simulator's: {@code {"text", "finish_reason"}} for text jobs, {@code
 * {"embeddings": [[...]]}} for embeddings. Failures are {@link JobOutcome.Failed} with codes {@code
 * upstream_stream_cut} (a stream ended early; usage counted), {@code upstream_timeout}, {@code
 * upstream_rate_limited}, {@code upstream_unavailable}, {@code upstream_error}, {@code
 * upstream_rejected}, {@code upstream_unreachable}, {@code upstream_malformed}, {@code
 * unsupported_kind}, {@code invalid_input}, {@code canceled}. Cancelling a job's future closes its
 * connection. Thread-safe; {@link #close()} stops every call.
 */
public final class OpenAiCompatibleAdapter extends UpstreamAdapter {
    /** The {@link #kind()} of this adapter. */
    public static final String KIND = "openai";

    private OpenAiCompatibleAdapter(EndpointConfig config, Clock clock, MeterRegistry registry) {
        super(config, KIND, "/models", clock, registry);
    }

    /**
     * An adapter with its own HTTP client and timer, both released by {@link #close()}; retries and
     * backpressure are counted in {@code registry}.
     */
    public static OpenAiCompatibleAdapter create(EndpointConfig config, Clock clock, MeterRegistry registry) {
        return new OpenAiCompatibleAdapter(config, clock, registry);
    }

    /** An adapter whose meters go nowhere. */
    public static OpenAiCompatibleAdapter create(EndpointConfig config, Clock clock) {
        return create(config, clock, new SimpleMeterRegistry());
    }

    public EndpointConfig config() {
        return config;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "OpenAI-compatible server at " + config.baseUrl() + (config.streaming() ? " (streaming)" : "");
    }

    @Override
    public List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> jobs, TokenSink sink) {
        List<CompletableFuture<JobOutcome>> futures = new ArrayList<>(jobs.size());
        for (DispatchedJob job : jobs) {
            CompletableFuture<JobOutcome> future = new CompletableFuture<>();
            futures.add(future);
            if (session.isClosed()) {
                future.complete(JobOutcome.failed("adapter_closed", "the adapter is closed"));
                continue;
            }
            UpstreamCall call = session.call("job " + job.jobId());
            future.whenComplete((outcome, error) -> {
                session.release(call);
                if (future.isCancelled()) {
                    call.abort(new JobError("canceled", "job " + job.jobId() + " was canceled"));
                }
            });
            if (!session.execute(new OpenAiJob(job, config.upstreamModel(model), config, call, sink, future))) {
                call.close();
                future.complete(JobOutcome.failed("adapter_closed", "the adapter is closed"));
            }
        }
        return futures;
    }
}
