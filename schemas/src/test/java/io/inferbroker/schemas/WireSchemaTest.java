package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every topic value the serdes write validates against its JSON Schema, and the schemas reject bad values. */
class WireSchemaTest {

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldAcceptValueWithEveryOptionalFieldSet(Topic topic) {
        byte[] json = WireSamples.write(topic, WireSamples.full(topic));

        assertThat(WireSchemas.errors(topic, json)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldAcceptValueWithEveryOptionalFieldNull(Topic topic) {
        byte[] json = WireSamples.write(topic, WireSamples.minimal(topic));

        assertThat(WireSchemas.errors(topic, json)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldOmitNullFieldsInsteadOfWritingNull(Topic topic) throws IOException {
        JsonNode json = WireSamples.MAPPER.readTree(WireSamples.write(topic, WireSamples.minimal(topic)));

        assertThat(json.findValues("schema_version")).isNotEmpty();
        assertThat(nullsIn(json, "")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldRejectValueMissingAnyRequiredField(Topic topic) throws IOException {
        JsonNode full = WireSamples.MAPPER.readTree(WireSamples.write(topic, WireSamples.full(topic)));
        JsonNode required = WireSchemas.tree(topic).path("required");
        assertThat(required.size()).isGreaterThan(1);

        for (JsonNode field : required) {
            ObjectNode missing = full.deepCopy();
            missing.remove(field.asText());

            assertThat(WireSchemas.errors(topic, missing))
                    .as("%s without %s", topic, field.asText())
                    .anySatisfy(error -> assertThat(error).contains(field.asText()));
        }
    }

    @ParameterizedTest(name = "{0} {1} = {2}")
    @MethodSource("invalidValues")
    void shouldRejectInvalidValue(Topic topic, String pointer, JsonNode value) throws IOException {
        JsonNode full = WireSamples.MAPPER.readTree(WireSamples.write(topic, WireSamples.full(topic)));
        assertThat(WireSchemas.errors(topic, full)).isEmpty();

        List<String> errors = WireSchemas.errors(topic, with(full, pointer, value));

        assertThat(errors).isNotEmpty().anySatisfy(error -> assertThat(error).startsWith(pointer));
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(Topic.REQUESTS, "/kind", text("audio")),
                Arguments.of(Topic.REQUESTS, "/priority", IntNode.valueOf(10)),
                Arguments.of(Topic.REQUESTS, "/accepted_at", text("2025-06-01 12:00")),
                Arguments.of(Topic.REQUESTS, "/webhook/url", text("hooks.acme.example/inference")),
                Arguments.of(Topic.REQUESTS, "/metadata/ticket", IntNode.valueOf(4411)),
                Arguments.of(Topic.CONTROL, "/action", text("pause")),
                Arguments.of(Topic.DISPATCH, "/jobs/0/kind", text("audio")),
                Arguments.of(Topic.DISPATCH, "/jobs/1/attempt", IntNode.valueOf(0)),
                Arguments.of(Topic.TOKENS, "/seq", IntNode.valueOf(0)),
                Arguments.of(Topic.TOKENS, "/schema_version", IntNode.valueOf(2)),
                Arguments.of(Topic.RESULTS, "/status", text("running")),
                Arguments.of(Topic.RESULTS, "/usage/prompt_tokens", IntNode.valueOf(-1)),
                Arguments.of(Topic.RESULTS, "/cost/currency", text("usd")),
                Arguments.of(Topic.RESULTS, "/timings/completed_at", text("yesterday")),
                Arguments.of(Topic.EVENTS, "/type", text("retried")),
                Arguments.of(Topic.WORKERS, "/state", text("sleeping")),
                Arguments.of(Topic.WORKERS, "/price/per_gpu_second", text("0.01")),
                Arguments.of(Topic.WEBHOOKS, "/outcome", text("bounced")),
                Arguments.of(Topic.WEBHOOKS, "/http_status", IntNode.valueOf(42)),
                Arguments.of(Topic.QUEUES, "/queued", IntNode.valueOf(-1)),
                Arguments.of(Topic.QUEUES, "/oldest_queued_at", text("a while ago")),
                Arguments.of(Topic.QUEUES, "/model", text("")));
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldShipSchemaForEveryTopicNamedAfterItsValueType(Topic topic) throws ReflectiveOperationException {
        JsonNode schema = WireSchemas.tree(topic);
        String file = topic.schemaResource().substring("schemas/".length());

        assertThat(topic.schemaResource()).startsWith("schemas/").endsWith(".schema.json");
        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText()).isEqualTo("https://inferbroker.io/schemas/" + file);
        assertThat(schema.path("title").asText()).isEqualTo(topic.valueType().getSimpleName());
        assertThat(schema.path("description").asText())
                .contains(topic.baseName())
                .contains("Additional properties are allowed");
        assertThat(schema.path("additionalProperties").asBoolean()).isTrue();
        assertThat(schema.path("required").toString()).contains("\"schema_version\"");
        int version = topic.valueType().getField("VERSION").getInt(null);
        assertThat(schema.at("/properties/schema_version/const").asInt()).isEqualTo(version);
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldBeValidDraft202012Schema(Topic topic) {
        assertThat(WireSchemas.metaSchemaErrors(topic)).isEmpty();
    }

    @Test
    void shouldRejectSchemaBreakingTheMetaSchema() {
        assertThat(WireSchemas.metaSchemaErrors("{\"type\":\"record\",\"required\":\"job_id\"}"))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldHoldNoSchemaFileOutsideTheCatalogue() throws IOException, URISyntaxException {
        Path dir = Path.of(Topic.REQUESTS.schemaUrl().toURI()).getParent();
        List<String> catalogued = Stream.of(Topic.values())
                .map(t -> Path.of(t.schemaResource()).getFileName().toString())
                .toList();

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(catalogued);
        }
    }

    private static JsonNode text(String value) {
        return TextNode.valueOf(value);
    }

    private static JsonNode with(JsonNode document, String pointer, JsonNode value) {
        JsonNode copy = document.deepCopy();
        JsonPointer at = JsonPointer.compile(pointer);
        JsonNode parent = copy.at(at.head());
        assertThat(parent.isObject())
                .as("parent of %s in %s", pointer, document)
                .isTrue();
        ((ObjectNode) parent).set(at.last().getMatchingProperty(), value);
        return copy;
    }

    private static List<String> nullsIn(JsonNode node, String path) {
        List<String> nulls = new ArrayList<>();
        if (node.isNull()) {
            nulls.add(path);
        }
        node.properties().forEach(e -> nulls.addAll(nullsIn(e.getValue(), path + "/" + e.getKey())));
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            nulls.addAll(nullsIn(node.get(i), path + "/" + i));
        }
        return nulls;
    }
}
