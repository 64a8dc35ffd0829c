package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schemas and the records describe the same wire shape: every record component (nested records
 * included) is a schema property of the matching JSON type under its snake_case name, exactly the
 * non-{@code @Nullable} components are required, and enum properties list the enums' wire names.
 */
class SchemaMatchesRecordsTest {
    private static final NamingBase SNAKE = (NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    @ParameterizedTest
    @EnumSource(Topic.class)
    void shouldDescribeEveryRecordComponentWithItsWireName(Topic topic) {
        JsonNode root = WireSchemas.tree(topic);

        assertSameShape(topic.valueType(), root, root, topic.name());
    }

    private static void assertSameShape(Class<?> type, JsonNode schema, JsonNode root, String path) {
        assertThat(type.isRecord()).as("%s is a record", type).isTrue();
        JsonNode properties = schema.path("properties");
        Set<String> names = new TreeSet<>();
        Set<String> nonNull = new TreeSet<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String name = SNAKE.translate(component.getName());
            names.add(name);
            if (!component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                nonNull.add(name);
            }
            assertThat(properties.has(name)).as("%s declares %s", path, name).isTrue();
            assertComponent(component, resolve(properties.path(name), root), root, path + "/" + name);
        }
        assertThat(fieldNames(properties)).as("%s properties", path).isEqualTo(names);
        assertThat(textValues(schema.path("required"))).as("%s required", path).isEqualTo(nonNull);
        assertThat(schema.path("additionalProperties").asBoolean())
                .as("%s open", path)
                .isTrue();
    }

    private static void assertComponent(RecordComponent component, JsonNode property, JsonNode root, String path) {
        Class<?> raw = component.getType();
        String expectedType = jsonType(raw);
        if (expectedType == null) {
            assertThat(property.has("type")).as("%s takes any JSON", path).isFalse();
        } else {
            assertThat(property.path("type").asText()).as("%s type", path).isEqualTo(expectedType);
        }
        assertThat(property.path("description").asText())
                .as("%s description", path)
                .isNotBlank();
        if (raw == Instant.class) {
            assertThat(property.path("format").asText()).as("%s format", path).isEqualTo("date-time");
        } else if (raw.isEnum()) {
            assertThat(textValues(property.path("enum"))).as("%s enum", path).isEqualTo(wireNames(raw));
        } else if (raw.isRecord()) {
            assertSameShape(raw, property, root, path);
        } else if (raw == List.class) {
            Class<?> element = (Class<?>) ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
            JsonNode items = resolve(property.path("items"), root);
            if (element.isRecord()) {
                assertSameShape(element, items, root, path + "[]");
            } else {
                assertThat(items.path("type").asText()).as("%s items", path).isEqualTo(jsonType(element));
            }
        }
    }

    private static @Nullable String jsonType(Class<?> raw) {
        if (raw == String.class || raw == Instant.class || raw.isEnum()) {
            return "string";
        } else if (raw == int.class || raw == long.class || raw == Integer.class) {
            return "integer";
        } else if (raw == double.class || raw == BigDecimal.class) {
            return "number";
        } else if (raw == boolean.class) {
            return "boolean";
        } else if (raw == List.class) {
            return "array";
        } else if (raw == Map.class || raw.isRecord()) {
            return "object";
        }
        return null;
    }

    /** Wire names of an enum's constants; a result's status only ever holds the terminal ones. */
    private static Set<String> wireNames(Class<?> enumType) {
        return Stream.of(enumType.getEnumConstants())
                .filter(c -> !(c instanceof JobStatus status) || status.isTerminal())
                .map(c -> WireSamples.MAPPER.valueToTree(c).asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static JsonNode resolve(JsonNode property, JsonNode root) {
        String ref = property.path("$ref").asText();
        if (ref.isEmpty()) {
            return property;
        }
        assertThat(ref).as("local reference").startsWith("#/$defs/");
        JsonNode target = root.at(ref.substring(1));
        assertThat(target.isMissingNode()).as("%s resolves", ref).isFalse();
        return target;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> textValues(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
