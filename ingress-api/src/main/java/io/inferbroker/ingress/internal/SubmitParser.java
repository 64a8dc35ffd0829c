package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferbroker.ingress.ModelInfo;
import io.inferbroker.schemas.JobKind;
import io.inferbroker.schemas.WebhookTarget;
import io.inferbroker.store.api.WebhookStore;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads and validates a {@code POST /v1/jobs} body. Collects every error with its JSON pointer
 * rather than stopping at the first. Thread-safe.
 */
final class SubmitParser {
    /** Priorities: lower numbers run first (as in Triton); names map onto the range 0..9. */
    public static final int PRIORITY_HIGH = 1;

    /** Request attribute holding a {@link Submission} already parsed from this request's body. */
    public static final String PARSED_ATTRIBUTE = "inferbroker.submission";

    public static final int PRIORITY_NORMAL = 5;
    public static final int PRIORITY_LOW = 9;
    static final int MAX_METADATA_KEYS = 16;
    static final int MAX_METADATA_KEY = 64;
    static final int MAX_METADATA_VALUE = 512;
    private static final Set<String> FIELDS =
            Set.of("model", "input", "priority", "deadline", "ttl_seconds", "webhook", "metadata");

    /** The part of a parser limit's message that names its setting: {@code , from `StreamReadConstraints...`}. */
    private static final Pattern PARSER_SETTING = Pattern.compile(",\\s*from\\s*`[^`]*`");

    private final ObjectMapper mapper;
    private final Map<String, ModelInfo> models;

    public SubmitParser(ObjectMapper mapper, List<ModelInfo> models) {
        this.mapper = mapper;
        Map<String, ModelInfo> byId = new LinkedHashMap<>();
        models.forEach(m -> byId.put(m.id(), m));
        this.models = Map.copyOf(byId);
        this.availableIds = List.copyOf(byId.keySet());
    }

    private final List<String> availableIds;

    /** A validated submission, before the broker gives it an id. */
    public record Submission(
            String model,
            JobKind kind,
            JsonNode input,
            int priority,
            @Nullable Instant deadline,
            @Nullable WebhookTarget webhook,
            Map<String, String> metadata) {}

    /** Parses JSON text; answers a problem naming line and column when it is not JSON. */
    public JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            throw Problems.invalidJson("the request body is empty; send a JSON object");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            // The parser's own limits (nesting, name, number and string lengths); its message names
            // the parser's setting, which means nothing to a client.
            throw Problems.invalidJson(
                    PARSER_SETTING.matcher(e.getOriginalMessage()).replaceAll(""));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw Problems.invalidJson(e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw Problems.invalidJson("unreadable body: " + e.getMessage());
        }
        String broken = UnicodeText.firstUnpairedSurrogate(tree);
        if (broken != null) {
            throw Problems.validation(List.of(new Problem.FieldError(
                    broken, "holds an unpaired surrogate (a \\uD800-\\uDFFF escape alone), which is not text")));
        }
        return tree;
    }

    public Submission parse(JsonNode body, Instant now) {
        if (!body.isObject()) {
            throw Problems.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        body.properties().forEach(entry -> {
            String f = entry.getKey();
            if (!FIELDS.contains(f)) {
                errors.add(new Problem.FieldError(
                        "/" + f, "unknown field; allowed: " + String.join(", ", sorted(FIELDS))));
            }
        });
        String model = requiredText(body, "model", errors);
        ModelInfo info = model == null ? null : models.get(model);
        if (model != null && info == null) {
            throw Problems.unknownModel(model, availableIds);
        }
        JsonNode input = body.get("input");
        JobKind kind = JobKind.GENERIC;
        if (input == null || !input.isObject()) {
            errors.add(new Problem.FieldError("/input", input == null ? "is required" : "must be a JSON object"));
        } else if (info != null) {
            kind = InputRules.kindOf(info, (ObjectNode) input, errors);
        }
        int priority = priority(body.get("priority"), errors);
        Instant deadline = deadline(body, now, errors);
        WebhookTarget webhook = webhook(body.get("webhook"), errors);
        Map<String, String> metadata = metadata(body.get("metadata"), errors);
        if (!errors.isEmpty() || model == null || input == null) {
            throw Problems.validation(errors);
        }
        return new Submission(model, kind, input, priority, deadline, webhook, metadata);
    }

    private static @Nullable String requiredText(JsonNode body, String field, List<Problem.FieldError> errors) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            errors.add(new Problem.FieldError("/" + field, "is required"));
            return null;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            errors.add(new Problem.FieldError("/" + field, "must be a non-empty string"));
            return null;
        }
        return TextRules.check(n.asText(), "/" + field, errors) ? n.asText() : null;
    }

    private static int priority(@Nullable JsonNode n, List<Problem.FieldError> errors) {
        if (n == null || n.isNull()) {
            return PRIORITY_NORMAL;
        }
        if (n.isTextual()) {
            return switch (n.asText()) {
                case "high" -> PRIORITY_HIGH;
                case "normal" -> PRIORITY_NORMAL;
                case "low" -> PRIORITY_LOW;
                default -> {
                    errors.add(new Problem.FieldError("/priority", "must be high, normal, low or an integer 0..9"));
                    yield PRIORITY_NORMAL;
                }
            };
        }
        if (n.canConvertToInt() && n.isIntegralNumber() && n.asInt() >= 0 && n.asInt() <= 9) {
            return n.asInt();
        }
        errors.add(new Problem.FieldError("/priority", "must be high, normal, low or an integer 0..9"));
        return PRIORITY_NORMAL;
    }

    private static @Nullable Instant deadline(JsonNode body, Instant now, List<Problem.FieldError> errors) {
        JsonNode deadline = body.get("deadline");
        JsonNode ttl = body.get("ttl_seconds");
        if (deadline != null && ttl != null) {
            errors.add(new Problem.FieldError("/ttl_seconds", "give either deadline or ttl_seconds, not both"));
            return null;
        }
        if (ttl != null) {
            if (!ttl.isIntegralNumber()
                    || ttl.asLong() < 1
                    || ttl.asLong() > Duration.ofDays(7).toSeconds()) {
                errors.add(new Problem.FieldError("/ttl_seconds", "must be an integer from 1 to 604800"));
                return null;
            }
            return now.plusSeconds(ttl.asLong());
        }
        if (deadline == null) {
            return null;
        }
        try {
            Instant at = Instant.parse(deadline.asText());
            if (!at.isAfter(now)) {
                errors.add(new Problem.FieldError("/deadline", "is in the past"));
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(
                    new Problem.FieldError("/deadline", "must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z"));
            return null;
        }
    }

    private static @Nullable WebhookTarget webhook(@Nullable JsonNode n, List<Problem.FieldError> errors) {
        if (n == null || n.isNull()) {
            return null;
        }
        JsonNode url = n.get("url");
        if (!n.isObject() || url == null || !url.isTextual()) {
            errors.add(new Problem.FieldError("/webhook/url", "is required and must be an http(s) URL"));
            return null;
        }
        if (!TextRules.check(url.asText(), "/webhook/url", errors)) {
            return null;
        }
        try {
            URI uri = new URI(url.asText());
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                errors.add(new Problem.FieldError("/webhook/url", "must be an absolute http(s) URL"));
                return null;
            }
        } catch (URISyntaxException e) {
            errors.add(new Problem.FieldError("/webhook/url", "is not a valid URL: " + e.getReason()));
            return null;
        }
        List<String> events = new ArrayList<>();
        JsonNode ev = n.get("events");
        if (ev != null && ev.isArray()) {
            for (int i = 0; i < ev.size(); i++) {
                String name = ev.get(i).asText();
                if (!ev.get(i).isTextual() || !WebhookStore.EVENT_FILTERS.contains(name)) {
                    errors.add(new Problem.FieldError(
                            "/webhook/events/" + i, "must be one of " + WebhookStore.EVENT_FILTERS));
                }
                events.add(name);
            }
        } else if (ev != null) {
            errors.add(new Problem.FieldError("/webhook/events", "must be an array of event names"));
        }
        return new WebhookTarget(url.asText(), events);
    }

    /** A job's {@code metadata}: at most a few short string values; errors name each bad entry. */
    static Map<String, String> metadata(@Nullable JsonNode n, List<Problem.FieldError> errors) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            errors.add(new Problem.FieldError("/metadata", "must be an object of string values"));
            return Map.of();
        }
        if (n.size() > MAX_METADATA_KEYS) {
            errors.add(new Problem.FieldError("/metadata", "may hold at most " + MAX_METADATA_KEYS + " keys"));
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.properties().forEach(e -> {
            String pointer = "/metadata/" + e.getKey().replace("~", "~0").replace("/", "~1");
            String keyRefusal = TextRules.refusal(e.getKey());
            if (e.getKey().length() > MAX_METADATA_KEY) {
                errors.add(new Problem.FieldError(pointer, "key longer than " + MAX_METADATA_KEY + " characters"));
            } else if (keyRefusal != null) {
                errors.add(new Problem.FieldError(pointer, "key " + keyRefusal));
            } else if (!e.getValue().isTextual()) {
                errors.add(new Problem.FieldError(pointer, "must be a string"));
            } else if (e.getValue().asText().length() > MAX_METADATA_VALUE) {
                errors.add(new Problem.FieldError(pointer, "longer than " + MAX_METADATA_VALUE + " characters"));
            } else if (TextRules.check(e.getValue().asText(), pointer, errors)) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
