package io.inferbroker.worker.kserve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.DispatchedJob;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.TokenSink;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.internal.UpstreamAdapter;
import io.inferbroker.worker.internal.UpstreamCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs generic (non-LLM) jobs on an Open Inference Protocol v2 server (KServe, Triton): {@code POST
 * {base_url}/v2/models/{model}/infer}. A job's input is {@code {"inputs": [{"name", "datatype",
 * "shape", "data"}], "parameters"?, "outputs"?}} with each tensor's shape given <em>without</em> the
 * batch dimension and {@code data} flat or nested. The jobs of a batch go to the server as
 * <b>one</b> request, their tensors stacked along a new first dimension (jobs whose tensors differ in
 * names, datatypes or shapes form separate requests); each job's output is {@code {"model_name",
 * "outputs": [...]}} with its own row of every output tensor. Usage is zero tokens: price such models
 * per GPU-second.
 *
 * <p>Errors follow the protocol: the server's {@code {"error": "..."}} becomes the job's message;
 * 4xx is {@code upstream_rejected}, 5xx {@code upstream_error}; 429/503 are retried and reported as
 * backpressure; malformed input fails the job alone ({@code invalid_input}). Cancelling a job's
 * future drops its row; the request is aborted once every job of it is canceled. Thread-safe.
 */
public final class KServeV2Adapter extends UpstreamAdapter {
    /** The {@link #kind()} of this adapter. */
    public static final String KIND = "kserve";

    private KServeV2Adapter(EndpointConfig config, Clock clock, MeterRegistry registry) {
        super(config, KIND, "/v2/health/ready", clock, registry);
    }

    /**
     * An adapter with its own HTTP client and timer, both released by {@link #close()}; retries and
     * backpressure are counted in {@code registry}.
     */
    public static KServeV2Adapter create(EndpointConfig config, Clock clock, MeterRegistry registry) {
        return new KServeV2Adapter(config, clock, registry);
    }

    /** An adapter whose meters go nowhere. */
    public static KServeV2Adapter create(EndpointConfig config, Clock clock) {
        return create(config, clock, new SimpleMeterRegistry());
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "KServe v2 (Open Inference Protocol) server at " + config.baseUrl();
    }

    private record Group(List<String> ids, List<List<Tensor>> inputs, List<CompletableFuture<JobOutcome>> futures) {}

    @Override
    public List<CompletableFuture<JobOutcome>> run(String model, List<DispatchedJob> jobs, TokenSink sink) {
        List<CompletableFuture<JobOutcome>> futures = new ArrayList<>(jobs.size());
        Map<String, Group> groups = new LinkedHashMap<>();
        Map<String, JsonNode> extras = new LinkedHashMap<>();
        for (DispatchedJob job : jobs) {
            CompletableFuture<JobOutcome> future = new CompletableFuture<>();
            futures.add(future);
            if (session.isClosed()) {
                future.complete(JobOutcome.failed("adapter_closed", "the adapter is closed"));
                continue;
            }
            if (job.kind() != JobKind.GENERIC) {
                future.complete(JobOutcome.failed(
                        "unsupported_kind", "a KServe v2 server runs generic tensor jobs, not " + job.kind()));
                continue;
            }
            List<Tensor> tensors;
            try {
                tensors = inputsOf(job.input());
            } catch (IllegalArgumentException e) {
                future.complete(JobOutcome.failed("invalid_input", e.getMessage()));
                continue;
            }
            ObjectNode extra = ((ObjectNode) job.input()).deepCopy();
            extra.remove("inputs");
            String key = tensors.stream().map(Tensor::signature).toList() + extra.toString();
            Group group = groups.computeIfAbsent(
                    key, k -> new Group(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            extras.putIfAbsent(key, extra);
            group.ids().add(job.jobId());
            group.inputs().add(tensors);
            group.futures().add(future);
        }
        groups.forEach((key, group) -> start(model, group, extras.get(key)));
        return futures;
    }

    private void start(String model, Group group, JsonNode extra) {
        UpstreamCall call = session.call(
                "batch of " + group.ids().size() + " from job " + group.ids().get(0));
        CompletableFuture<?> all = CompletableFuture.allOf(group.futures().toArray(CompletableFuture[]::new));
        all.whenComplete((ok, error) -> {
            session.release(call);
            if (group.futures().stream().allMatch(CompletableFuture::isCancelled)) {
                call.abort(new JobError("canceled", "every job of the request was canceled"));
            }
        });
        if (!session.execute(new KServeBatch(
                config.upstreamModel(model), config, call, group.ids(), group.inputs(), extra, group.futures()))) {
            call.close();
            group.futures().forEach(f -> f.complete(JobOutcome.failed("adapter_closed", "the adapter is closed")));
        }
    }

    private static List<Tensor> inputsOf(JsonNode input) {
        JsonNode inputs = input.path("inputs");
        if (!input.isObject() || !inputs.isArray() || inputs.isEmpty()) {
            throw new IllegalArgumentException(
                    "a KServe job's input needs 'inputs': [{name, datatype, shape, data}, ...]");
        }
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tensors.add(Tensor.read(inputs.get(i), "inputs[" + i + "]"));
        }
        return tensors;
    }
}
