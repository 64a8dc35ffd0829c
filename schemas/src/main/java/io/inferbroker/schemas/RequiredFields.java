package io.inferbroker.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.NamingBase;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a JSON document, before it is bound, against the required fields of the record it is read
 * into: every component not marked {@code @Nullable} is present and not null, in nested records, list
 * elements and map values too. These are exactly the properties the JSON Schemas list as {@code
 * required} ({@code SchemaMatchesRecordsTest} holds the two together). Checking the document rather
 * than the bound record also catches absent numbers (Jackson would read 0) and absent lists (a
 * record's compact constructor would fail without naming the field). Thread-safe.
 */
final class RequiredFields {
    private static final NamingBase SNAKE = (NamingBase) PropertyNamingStrategies.SNAKE_CASE;
    private static final ClassValue<List<Component>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Component> computeValue(Class<?> type) {
            return componentsOf(type);
        }
    };

    private RequiredFields() {}

    /** The first required field {@code document} lacks as a {@code type}, as a wire path; null when none. */
    static @Nullable String firstMissing(JsonNode document, Class<?> type) {
        return document.isObject() ? missingIn(document, type, "") : null;
    }

    private static @Nullable String missingIn(JsonNode object, Class<?> type, String prefix) {
        for (Component c : COMPONENTS.get(type)) {
            JsonNode node = object.get(c.wireName);
            String path = prefix + c.wireName;
            if (node == null || node.isNull()) {
                if (c.required) {
                    return path;
                }
                continue;
            }
            String nested = c.nested == null
                    ? null
                    : switch (c.shape) {
                        case RECORD -> node.isObject() ? missingIn(node, c.nested, path + ".") : null;
                        case LIST -> node.isArray() ? missingInElements(node, c.nested, path) : null;
                        case MAP -> node.isObject() ? missingInValues(node, c.nested, path) : null;
                    };
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static @Nullable String missingInElements(JsonNode array, Class<?> type, String path) {
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String at = path + "[" + i + "]";
            String missing = element.isNull() ? at : element.isObject() ? missingIn(element, type, at + ".") : null;
            if (missing != null) {
                return missing;
            }
        }
        return null;
    }

    private static @Nullable String missingInValues(JsonNode object, Class<?> type, String path) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String at = path + "." + e.getKey();
            JsonNode value = e.getValue();
            String missing = value.isNull() ? at : value.isObject() ? missingIn(value, type, at + ".") : null;
            if (missing != null) {
                return missing;
            }
        }
        return null;
    }

    private static List<Component> componentsOf(Class<?> type) {
        List<Component> components = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            boolean required = !rc.getAnnotatedType().isAnnotationPresent(Nullable.class);
            String name = SNAKE.translate(rc.getName());
            Class<?> raw = rc.getType();
            if (raw.isRecord()) {
                components.add(new Component(name, required, Shape.RECORD, raw));
            } else if (List.class.isAssignableFrom(raw)) {
                components.add(new Component(name, required, Shape.LIST, recordArgument(rc.getGenericType())));
            } else if (Map.class.isAssignableFrom(raw)) {
                components.add(new Component(name, required, Shape.MAP, recordArgument(rc.getGenericType())));
            } else {
                components.add(new Component(name, required, Shape.RECORD, null));
            }
        }
        return List.copyOf(components);
    }

    /** The record type of a list's elements or a map's values; null when they are not records. */
    private static @Nullable Class<?> recordArgument(Type type) {
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            if (args[args.length - 1] instanceof Class<?> c && c.isRecord()) {
                return c;
            }
        }
        return null;
    }

    private enum Shape {
        RECORD,
        LIST,
        MAP
    }

    /** A component under its wire name; {@code nested} is the record type to check inside it, if any. */
    private record Component(
            String wireName,
            boolean required,
            Shape shape,
            @Nullable Class<?> nested) {}
}
