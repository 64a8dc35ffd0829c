package io.inferbroker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operations an {@code /openapi.json} document describes, with what a test needs to call them. */
final class OpenApiOperations {
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    /** Who may call an operation, from its {@code security} (or the document's). */
    enum Access {
        PUBLIC,
        TENANT,
        ADMIN
    }

    /**
     * One operation. {@code requiredQuery}: the names of its required query parameters;
     * {@code body}: whether it declares a request body.
     */
    record Operation(String method, String path, Access access, List<String> requiredQuery, boolean body) {
        /** {@code "GET /v1/jobs/{id}"}. */
        String name() {
            return method + " " + path;
        }

        /** The path parameters, in order. */
        List<String> pathParameters() {
            List<String> out = new ArrayList<>();
            Matcher m = PATH_PARAMETER.matcher(path);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }

        /** The path with each parameter replaced by {@code value}. */
        String pathWith(String value) {
            return PATH_PARAMETER.matcher(path).replaceAll(Matcher.quoteReplacement(value));
        }

        /**
         * The collection a path parameter names, the segment before its first parameter: {@code jobs}
         * for {@code /v1/jobs/{id}/cancel}.
         */
        String collection() {
            String before = path.substring(0, path.indexOf('{') - 1);
            return before.substring(before.lastIndexOf('/') + 1);
        }
    }

    private OpenApiOperations() {}

    static List<Operation> of(JsonNode spec) {
        Access defaultAccess = access(spec.get("security"), Access.PUBLIC);
        List<Operation> out = new ArrayList<>();
        spec.get("paths").properties().forEach(path -> {
            JsonNode pathLevel = path.getValue().path("parameters");
            path.getValue().properties().forEach(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                JsonNode o = op.getValue();
                List<String> query = new ArrayList<>();
                for (JsonNode params : List.of(pathLevel, o.path("parameters"))) {
                    params.forEach(ref -> {
                        JsonNode p = ref.has("$ref")
                                ? spec.at(ref.get("$ref").asText().substring(1))
                                : ref;
                        if ("query".equals(p.path("in").asText())
                                && p.path("required").asBoolean(false)) {
                            query.add(p.get("name").asText());
                        }
                    });
                }
                out.add(new Operation(
                        op.getKey().toUpperCase(Locale.ROOT),
                        path.getKey(),
                        o.has("security") ? access(o.get("security"), Access.PUBLIC) : defaultAccess,
                        List.copyOf(query),
                        o.has("requestBody")));
            });
        });
        return List.copyOf(out);
    }

    private static Access access(JsonNode security, Access none) {
        if (security == null || security.isEmpty()) {
            return none;
        }
        List<String> schemes = new ArrayList<>();
        security.forEach(s -> s.fieldNames().forEachRemaining(schemes::add));
        if (schemes.contains("adminKey")) {
            return Access.ADMIN;
        }
        if (schemes.contains("apiKey")) {
            return Access.TENANT;
        }
        throw new IllegalArgumentException("unknown security schemes " + schemes);
    }
}
