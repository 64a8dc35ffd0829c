package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI error shape {@code {"error":{"message","type","param","code"}}} of a {@link Problem},
 * used on the OpenAI-compatible paths so the official SDKs raise their usual exceptions. Status
 * mapping: validation 422 becomes OpenAI's 400 (with {@code param} from the first JSON pointer), an
 * unknown model 404 {@code model_not_found}; other statuses stay. An admission refusal keeps its
 * status: 429 {@code rate_limit_exceeded} (type {@code requests} or {@code tokens}, the limit hit),
 * 503 {@code queue_full} ({@code server_error}). Pure; thread-safe.
 */
final class OpenAiErrors {
    /** The header naming the job behind a synchronous answer. */
    public static final String JOB_ID_HEADER = "x-job-id";

    private static final List<String> PATHS =
            List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models");

    private OpenAiErrors() {}

    /** One error in OpenAI's terms. */
    public record OpenAiError(
            int status,
            String message,
            String type,
            @Nullable String param,
            @Nullable String code) {

        /** The body {@code {"error":{...}}}. */
        public ObjectNode toJson(ObjectMapper mapper) {
            ObjectNode body = mapper.createObjectNode();
            body.putObject("error")
                    .put("message", message)
                    .put("type", type)
                    .put("param", param)
                    .put("code", code);
            return body;
        }
    }

    /** True for the paths whose errors take OpenAI's shape. */
    public static boolean covers(String path) {
        for (String p : PATHS) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    public static OpenAiError of(Problem p) {
        int status = switch (p.slug()) {
            case "validation" -> 400;
            case "unknown-model" -> 404;
            default -> p.status();
        };
        String param = p.errors().isEmpty() ? null : param(p.errors().getFirst().pointer());
        return new OpenAiError(status, message(p), type(p, status), param, code(p, status));
    }

    private static String message(Problem p) {
        if (p.errors().isEmpty()) {
            return p.detail();
        }
        return p.errors().stream()
                .map(e -> {
                    String param = param(e.pointer());
                    return param == null ? e.detail() : param + ": " + e.detail();
                })
                .collect(Collectors.joining("; "));
    }

    /** OpenAI's rate-limit errors are typed by the limit hit: {@code requests} or {@code tokens}. */
    private static String type(Problem p, int status) {
        if (status == 429) {
            if (quota(p.slug())) {
                return "insufficient_quota";
            }
            return "tokens_per_minute".equals(p.extensions().get("limit")) ? "tokens" : "requests";
        }
        if (status == 403) {
            return "permission_error";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    private static @Nullable String code(Problem p, int status) {
        if (p.extensions().get("code") instanceof String code) {
            return code;
        }
        return switch (p.slug()) {
            case "unknown-model" -> "model_not_found";
            case "unauthorized" -> "invalid_api_key";
            case "validation", "invalid-json" -> null;
            case "body-too-large" -> "request_too_large";
            case "sync-timeout" -> "timeout";
            case "unavailable" -> "service_unavailable";
            case "internal" -> null;
            default -> {
                if (status == 429) {
                    yield quota(p.slug()) ? "insufficient_quota" : "rate_limit_exceeded";
                }
                yield p.slug().replace('-', '_');
            }
        };
    }

    private static boolean quota(String slug) {
        return slug.contains("budget") || slug.contains("quota");
    }

    /** {@code /messages/0/content} becomes {@code messages[0].content}; {@code ?wait} becomes {@code wait}. */
    static @Nullable String param(String pointer) {
        if (pointer.isEmpty()) {
            return null;
        }
        if (pointer.startsWith("?")) {
            return pointer.substring(1);
        }
        if (!pointer.startsWith("/")) {
            return pointer;
        }
        StringBuilder out = new StringBuilder();
        for (String token : pointer.substring(1).split("/", -1)) {
            String t = token.replace("~1", "/").replace("~0", "~");
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && !out.isEmpty()) {
                out.append('[').append(t).append(']');
            } else {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(t);
            }
        }
        return out.toString();
    }
}
