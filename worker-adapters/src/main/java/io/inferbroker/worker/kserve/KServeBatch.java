package io.inferbroker.worker.kserve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.schemas.JobError;
import io.inferbroker.schemas.Usage;
import io.inferbroker.worker.JobOutcome;
import io.inferbroker.worker.http.EndpointConfig;
import io.inferbroker.worker.internal.UpstreamCall;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One v2 inference request for jobs whose inputs share names, datatypes and shapes: their tensors
 * stacked along a new first (batch) dimension, the answer's outputs split back along it, row {@code
 * i} to job {@code i}. Runs on its own virtual thread; completes every job's future.
 */
final class KServeBatch implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String upstreamModel;
    private final EndpointConfig config;
    private final UpstreamCall call;
    private final List<String> jobIds;
    private final List<List<Tensor>> inputs;
    private final JsonNode extra;
    private final List<CompletableFuture<JobOutcome>> futures;

    /**
     * @param extra the first job's input without {@code inputs} ({@code parameters}, {@code outputs}),
     *     sent along
     */
    KServeBatch(
            String upstreamModel,
            EndpointConfig config,
            UpstreamCall call,
            List<String> jobIds,
            List<List<Tensor>> inputs,
            JsonNode extra,
            List<CompletableFuture<JobOutcome>> futures) {
        this.upstreamModel = upstreamModel;
        this.config = config;
        this.call = call;
        this.jobIds = List.copyOf(jobIds);
        this.inputs = List.copyOf(inputs);
        this.extra = extra;
        this.futures = List.copyOf(futures);
    }

    @Override
    public void run() {
        try (call) {
            byte[] body = JSON.writeValueAsBytes(request());
            switch (call.open(() -> http(body))) {
                case UpstreamCall.Opened.Refused r -> completeAll(new JobOutcome.Failed(r.error(), null));
                case UpstreamCall.Opened.Ok ok -> answer(ok.body());
            }
        } catch (IOException | RuntimeException e) {
            completeAll(JobOutcome.failed("adapter_error", e.toString()));
        }
    }

    private ObjectNode request() {
        ObjectNode root = extra.isObject() ? ((ObjectNode) extra).deepCopy() : JSON.createObjectNode();
        root.put("id", jobIds.get(0) + (jobIds.size() > 1 ? "+" + (jobIds.size() - 1) : ""));
        ArrayNode stacked = root.putArray("inputs");
        List<Tensor> first = inputs.get(0);
        for (int t = 0; t < first.size(); t++) {
            List<Long> shape = new ArrayList<>();
            shape.add((long) inputs.size());
            shape.addAll(first.get(t).shape());
            List<JsonNode> data = new ArrayList<>();
            for (List<Tensor> job : inputs) {
                data.addAll(job.get(t).data());
            }
            stacked.add(new Tensor(first.get(t).name(), first.get(t).datatype(), shape, data).toJson());
        }
        return root;
    }

    private HttpRequest http(byte[] body) {
        String base = config.baseUrl().toString().replaceAll("/+$", "");
        URI uri =
                URI.create(base + "/v2/models/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8) + "/infer");
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.apiKey().isPresent()) {
            builder.header("Authorization", "Bearer " + config.apiKey().value());
        }
        return builder.build();
    }

    private void answer(InputStream in) {
        JsonNode root;
        try (in) {
            // Read whole first: a connection that breaks is a cut answer, bytes that do not parse are malformed.
            root = JSON.readTree(in.readAllBytes());
        } catch (IOException e) {
            completeAll(new JobOutcome.Failed(call.abortReason().orElseGet(() -> unreadable(e)), null));
            return;
        }
        call.progress();
        if (root.path("error").isTextual()) {
            completeAll(JobOutcome.failed(
                    "upstream_error",
                    "the model server reported: " + root.get("error").asText()));
            return;
        }
        List<ObjectNode> perJob;
        try {
            perJob = split(root);
        } catch (IllegalArgumentException e) {
            completeAll(JobOutcome.failed("upstream_malformed", e.getMessage()));
            return;
        }
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).complete(new JobOutcome.Succeeded(perJob.get(i), new Usage(0, 0)));
        }
    }

    /** The answer cut back into one output per job, each tensor without the batch dimension. */
    private List<ObjectNode> split(JsonNode root) {
        int n = inputs.size();
        List<ObjectNode> perJob = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ObjectNode out = JSON.createObjectNode();
            out.put("model_name", root.path("model_name").asText(upstreamModel));
            if (root.path("model_version").isTextual()) {
                out.put("model_version", root.get("model_version").asText());
            }
            out.putArray("outputs");
            perJob.add(out);
        }
        JsonNode outputs = root.path("outputs");
        if (!outputs.isArray() || outputs.isEmpty()) {
            throw new IllegalArgumentException("the model server's answer has no outputs");
        }
        for (JsonNode node : outputs) {
            Tensor tensor = Tensor.read(node, "output");
            if (tensor.shape().isEmpty() || tensor.shape().get(0) != n) {
                throw new IllegalArgumentException("output '" + tensor.name() + "' has shape " + tensor.shape()
                        + "; a batch of " + n + " needs " + n + " as its first dimension");
            }
            List<Long> rowShape = tensor.shape().subList(1, tensor.shape().size());
            int rowSize = (int) Tensor.elements(rowShape);
            for (int i = 0; i < n; i++) {
                List<JsonNode> row = tensor.data().subList(i * rowSize, (i + 1) * rowSize);
                ((ArrayNode) perJob.get(i).get("outputs"))
                        .add(new Tensor(tensor.name(), tensor.datatype(), rowShape, row).toJson());
            }
        }
        return perJob;
    }

    private JobError unreadable(IOException e) {
        return e instanceof JsonProcessingException
                ? new JobError(
                        "upstream_malformed",
                        "the model server's answer is not valid JSON: "
                                + ((JsonProcessingException) e).getOriginalMessage())
                : new JobError(
                        "upstream_stream_cut",
                        "the answer from the model server at " + config.baseUrl() + " broke off: " + e.getMessage());
    }

    private void completeAll(JobOutcome outcome) {
        futures.forEach(f -> f.complete(outcome));
    }
}
