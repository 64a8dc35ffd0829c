package io.inferbroker.dispatcher.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * What a task remembers of a job id it no longer has a job for, for the dedupe retention: the job
 * finished, or a cancel came for it before the job did.
 *
 * @param kind which of the two
 * @param tenantId the owning tenant (of the job, or the one that asked to cancel it)
 * @param at when it was remembered; the id is forgotten a dedupe retention later
 */
record DoneMark(Kind kind, String tenantId, Instant at) {

    /** Why the id is remembered. */
    enum Kind {
        /** The job reached a terminal state (or was never to run): a request for it is a duplicate. */
        FINISHED('F'),
        /** A cancel came before its job: the job ends canceled when it arrives. */
        CANCEL_REQUESTED('C');

        private final byte code;

        Kind(char code) {
            this.code = (byte) code;
        }
    }

    /**
     * Binary, not JSON: one of these is written per job, and most of them are read never. A kind
     * byte, the epoch milliseconds (8 bytes, big endian), the tenant id in UTF-8.
     */
    static final Serde<DoneMark> SERDE = new MarkSerde();

    private static final int HEADER = 1 + Long.BYTES;

    static DoneMark finished(String tenantId, Instant at) {
        return new DoneMark(Kind.FINISHED, tenantId, at);
    }

    static DoneMark cancelRequested(String tenantId, Instant at) {
        return new DoneMark(Kind.CANCEL_REQUESTED, tenantId, at);
    }

    private static final class MarkSerde implements Serde<DoneMark>, Serializer<DoneMark>, Deserializer<DoneMark> {
        @Override
        public byte @Nullable [] serialize(String topic, @Nullable DoneMark mark) {
            if (mark == null) {
                return null;
            }
            byte[] tenant = mark.tenantId().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(HEADER + tenant.length)
                    .put(mark.kind().code)
                    .putLong(mark.at().toEpochMilli())
                    .put(tenant)
                    .array();
        }

        @Override
        public @Nullable DoneMark deserialize(String topic, byte @Nullable [] data) {
            if (data == null) {
                return null;
            }
            if (data.length < HEADER) {
                throw new SerializationException("a done mark of " + data.length + " bytes, fewer than " + HEADER);
            }
            ByteBuffer in = ByteBuffer.wrap(data);
            Kind kind = kindOf(in.get());
            Instant at = Instant.ofEpochMilli(in.getLong());
            return new DoneMark(kind, new String(data, HEADER, data.length - HEADER, StandardCharsets.UTF_8), at);
        }

        private static Kind kindOf(byte code) {
            for (Kind k : Kind.values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new SerializationException("a done mark of unknown kind " + code);
        }

        @Override
        public Serializer<DoneMark> serializer() {
            return this;
        }

        @Override
        public Deserializer<DoneMark> deserializer() {
            return this;
        }

        @Override
        public void configure(java.util.Map<String, ?> configs, boolean isKey) {
            // Nothing to configure.
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
