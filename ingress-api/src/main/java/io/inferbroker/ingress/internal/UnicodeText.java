package io.inferbroker.ingress.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds text that is not Unicode in a request body: JSON can escape half of a surrogate pair alone
 * ({@code "\ud800"}), which no UTF-8 text holds, so it could only be stored altered (as {@code ?}).
 * Such a body is refused instead of losing its text.
 */
final class UnicodeText {
    private UnicodeText() {}

    /** The JSON pointer of the first string or name holding an unpaired surrogate; null when none does. */
    static @Nullable String firstUnpairedSurrogate(@Nullable JsonNode node) {
        return node == null ? null : find(node, "");
    }

    private static @Nullable String find(JsonNode node, String at) {
        if (node.isTextual()) {
            return hasUnpairedSurrogate(node.textValue()) ? at : null;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String path = at + "/" + pointerToken(e.getKey());
                if (hasUnpairedSurrogate(e.getKey())) {
                    return path;
                }
                String found = find(e.getValue(), path);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = find(node.get(i), at + "/" + i);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A name as a JSON pointer token (RFC 6901), with any unpaired surrogate shown as U+FFFD. */
    private static String pointerToken(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                out.append(c).append(name.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (c == '~') {
                out.append("~0");
            } else if (c == '/') {
                out.append("~1");
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
