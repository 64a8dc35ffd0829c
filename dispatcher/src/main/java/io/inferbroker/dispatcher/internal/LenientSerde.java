package io.inferbroker.dispatcher.internal;

import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a serde so that bytes it cannot read come back as null instead of failing. Used for the
 * global workers store: restoring a global store copies raw bytes from the topic, bypassing the
 * deserialization exception handler, so an unreadable status must not break every later read.
 */
final class LenientSerde<T> implements Serde<T>, Deserializer<T> {
    private static final Logger LOG = LoggerFactory.getLogger(LenientSerde.class);

    private final Serde<T> inner;

    LenientSerde(Serde<T> inner) {
        this.inner = inner;
    }

    @Override
    public @Nullable T deserialize(String topic, byte @Nullable [] data) {
        try {
            return inner.deserializer().deserialize(topic, data);
        } catch (SerializationException e) {
            LOG.warn("ignoring an unreadable value in {}: {}", topic, e.getMessage());
            return null;
        }
    }

    @Override
    public Serializer<T> serializer() {
        return inner.serializer();
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    @Override
    public void close() {
        inner.close();
    }
}
