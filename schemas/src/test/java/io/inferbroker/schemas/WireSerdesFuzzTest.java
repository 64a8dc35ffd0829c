package io.inferbroker.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferbroker.schemas.FuzzInputs.Mutation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Every topic's deserializer ({@link WireSerdes}) against arbitrary bytes and against valid records
 * mutated field by field and byte by byte: each input either reads as a record whose every required
 * field (in nested records, lists and maps too) is set, or fails with the serde's {@link
 * SerializationException} ({@link ContractViolationException}, naming the field, when the value
 * reads as JSON but breaks the contract). No other exception, no null for a non-null value.
 *
 * <p>Each try feeds its input to every topic's serde, so the tries of a property are the inputs per
 * topic. {@code -Dfuzz.tries=100000} runs the long campaign.
 */
@AddLifecycleHook(FuzzTries.class)
public class WireSerdesFuzzTest {
    private static final List<Topic> TOPICS = List.of(Topic.values());

    @Property(tries = 1500)
    void arbitraryBytesReadAsAValidRecordOrFailAsSerializationProblems(@ForAll("bytes") byte[] bytes) {
        for (Topic topic : TOPICS) {
            Statistics.label("bytes " + topic.name()).collect(outcome(topic, bytes));
        }
    }

    @Property(tries = 1500)
    void mutatedRecordsReadAsAValidRecordOrFailAsSerializationProblems(
            @ForAll("mutations") List<Mutation> mutations, @ForAll boolean full) {
        for (Topic topic : TOPICS) {
            byte[] mutated = Mutation.applyAll(mutations, FuzzInputs.sample(topic, full));
            Statistics.label("mutated " + topic.name()).collect(outcome(topic, mutated));
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return FuzzInputs.bytes();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return FuzzInputs.mutations();
    }

    /** Reads {@code bytes} with the topic's serde and checks the outcome; returns what it was. */
    static String outcome(Topic topic, byte[] bytes) {
        JsonSerde<?> serde = WireSamples.serde(topic);
        Object value;
        try {
            value = serde.deserialize(topic.baseName(), bytes);
        } catch (ContractViolationException e) {
            assertThat(e.field()).as("the field at fault").isNotNull();
            assertThat(e.topic()).isEqualTo(topic.baseName());
            return "contract violation";
        } catch (SerializationException e) {
            assertThat(e.getMessage()).contains(topic.baseName());
            return "unreadable";
        }
        assertThat(value).as("a non-null value read as null").isNotNull();
        assertThat(value).isInstanceOf(topic.valueType());
        String unset = firstUnsetRequired(value, "");
        assertThat(unset).as("a required field read as null").isNull();
        return "read";
    }

    /**
     * The path of the first required (not {@code @Nullable}) record component left null in {@code
     * value}, recursively through nested records, list elements and map values; null if none. For
     * the record types of other modules too (their fuzz tests reach it through schemas' test-jar).
     */
    public static @Nullable String firstUnsetRequired(@Nullable Object value, String path) {
        if (value == null) {
            return null;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                String unset = item == null ? path + "[" + i + "]" : firstUnsetRequired(item, path + "[" + i + "]");
                if (unset != null) {
                    return unset;
                }
                i++;
            }
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String at = path + "." + e.getKey();
                String unset = e.getValue() == null ? at : firstUnsetRequired(e.getValue(), at);
                if (unset != null) {
                    return unset;
                }
            }
            return null;
        }
        if (!value.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            Object component;
            try {
                // Records of other modules' internal packages are package-private.
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                component = accessor.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            String at = path.isEmpty() ? c.getName() : path + "." + c.getName();
            boolean required = !c.getAnnotatedType().isAnnotationPresent(Nullable.class);
            if (component == null && required) {
                return at;
            }
            String unset = firstUnsetRequired(component, at);
            if (unset != null) {
                return unset;
            }
        }
        return null;
    }
}
