package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads the topic schemas the way a consumer would, through {@link Topic#schemaUrl()}, and
 * validates documents against them with format assertions on ({@code date-time} and {@code uri}
 * are checked, not just annotated).
 */
final class WireSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private WireSchemas() {}

    static Schema schema(Topic topic) {
        try (InputStream in = topic.schemaUrl().openStream()) {
            return REGISTRY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Errors of the schema file itself against the draft 2020-12 meta-schema; empty when it is valid. */
    static List<String> metaSchemaErrors(Topic topic) {
        return metaSchemaErrors(tree(topic).toString());
    }

    static List<String> metaSchemaErrors(String schema) {
        Schema meta = REGISTRY.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        return meta.validate(schema, InputFormat.JSON).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    /** The schema file as a plain JSON tree, for assertions about its content. */
    static JsonNode tree(Topic topic) {
        try (InputStream in = topic.schemaUrl().openStream()) {
            return WireSamples.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Validation errors of a document, each as "instance location: message"; empty when it is valid. */
    static List<String> errors(Topic topic, String json) {
        return schema(topic).validate(json, InputFormat.JSON).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    static List<String> errors(Topic topic, byte[] json) {
        return errors(topic, new String(json, StandardCharsets.UTF_8));
    }

    static List<String> errors(Topic topic, JsonNode json) {
        return errors(topic, json.toString());
    }
}
