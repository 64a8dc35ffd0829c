package io.inferbroker.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A topic value that reads as JSON but breaks the wire contract: a required field is missing or
 * null, or a field holds a value of the wrong type. Thrown by a checked {@link JsonSerde}, where the
 * value is decoded, so no consumer has to check required fields by hand.
 */
public final class ContractViolationException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String field;
    private final String problem;

    public ContractViolationException(String topic, Class<?> type, String field, String problem) {
        super("cannot read " + type.getSimpleName() + " from topic " + topic + ": " + field + " " + problem);
        this.topic = topic;
        this.field = field;
        this.problem = problem;
    }

    /** The topic the value was read from. */
    public String topic() {
        return topic;
    }

    /** Where in the value the fault is, in wire names: {@code tenant_id}, {@code jobs[0].input}. */
    public String field() {
        return field;
    }

    /** What is wrong, with the field: {@code tenant_id is missing}. */
    public String reason() {
        return field + " " + problem;
    }
}
