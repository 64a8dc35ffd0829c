package io.inferbroker.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Value of the dead-letters topic (key: {@link #sourceRef()}): a record a consumer could not take,
 * kept with why and where it came from so it can be inspected and produced again once fixed.
 *
 * @param reason what was wrong, for humans: {@code tenant_id is missing}
 * @param field the wire path of the faulty field when one is to blame; absent otherwise
 * @param key the source record's key (absent when it had none), in {@code keyEncoding}
 * @param value the source record's value (absent for a tombstone), in {@code valueEncoding}
 * @param at when the consumer gave up on the record
 */
public record DeadLetter(
        int schemaVersion,
        String reason,
        @Nullable String field,
        String topic,
        int partition,
        long offset,
        @Nullable String key,
        @Nullable PayloadEncoding keyEncoding,
        @Nullable String value,
        @Nullable PayloadEncoding valueEncoding,
        ConsumerRole role,
        Instant at) {

    public static final int VERSION = 1;

    /**
     * A dead letter for the record at {@code topic}/{@code partition}/{@code offset}; {@code cause}
     * gives the reason, and the field when it is a {@link ContractViolationException}.
     */
    public static DeadLetter of(
            ConsumerRole role,
            String topic,
            int partition,
            long offset,
            byte @Nullable [] key,
            byte @Nullable [] value,
            Exception cause,
            Instant at) {
        String field = cause instanceof ContractViolationException c ? c.field() : null;
        String reason = cause instanceof ContractViolationException c ? c.reason() : String.valueOf(cause.getMessage());
        return of(role, topic, partition, offset, key, value, reason, field, at);
    }

    /** A dead letter for the record at {@code topic}/{@code partition}/{@code offset}, for {@code reason}. */
    public static DeadLetter of(
            ConsumerRole role,
            String topic,
            int partition,
            long offset,
            byte @Nullable [] key,
            byte @Nullable [] value,
            String reason,
            @Nullable String field,
            Instant at) {
        return new DeadLetter(
                VERSION,
                reason,
                field,
                topic,
                partition,
                offset,
                key == null ? null : text(key),
                key == null ? null : encodingOf(key),
                value == null ? null : text(value),
                value == null ? null : encodingOf(value),
                role,
                at);
    }

    /** The dead letter's key: where the source record is, {@code topic/partition/offset}. */
    public String sourceRef() {
        return topic + "/" + partition + "/" + offset;
    }

    private static PayloadEncoding encodingOf(byte[] bytes) {
        return isUtf8(bytes) ? PayloadEncoding.UTF8 : PayloadEncoding.BASE64;
    }

    private static String text(byte[] bytes) {
        return isUtf8(bytes)
                ? new String(bytes, StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(bytes);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
