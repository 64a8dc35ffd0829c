package io.inferbroker.worker.sim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fake embedding: {@value #DIMENSIONS} floats derived from the SHA-256 of the text and scaled to
 * unit length. Equal texts give equal vectors; it carries no meaning.
 */
final class HashEmbedding {
    static final int DIMENSIONS = 8;

    private HashEmbedding() {}

    static float[] of(String text) {
        ByteBuffer digest = ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8)));
        double[] raw = new double[DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            raw[i] = digest.getInt() / (double) Integer.MAX_VALUE;
            norm += raw[i] * raw[i];
        }
        double length = Math.sqrt(norm);
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) (length == 0 ? 0 : raw[i] / length);
        }
        return vector;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
