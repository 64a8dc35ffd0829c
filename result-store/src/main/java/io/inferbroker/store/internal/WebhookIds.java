package io.inferbroker.store.internal;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random ids of webhook messages ({@code msg_}) and subscriptions ({@code whe_}). */
final class WebhookIds {
    private WebhookIds() {}

    public static String message(SecureRandom random) {
        return "msg_" + hex(random, 12);
    }

    public static String subscription(SecureRandom random) {
        return "whe_" + hex(random, 12);
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
