package io.inferbroker.store.internal;

/**
 * PostgreSQL refuses U+0000 in {@code text} and its escape {@code \u0000} in {@code jsonb}, so a
 * record holding one (a model may well emit it) could never be stored. The store writes U+FFFD, the
 * replacement character, in its place; the record on Kafka keeps the original.
 */
final class NulCharacters {
    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';
    private static final String JSON_NUL = "\\u0000";

    private NulCharacters() {}

    /** {@code text} with every U+0000 replaced. */
    static String replaceIn(String text) {
        return text.indexOf(NUL) < 0 ? text : text.replace(NUL, REPLACEMENT);
    }

    /**
     * JSON text with every escaped U+0000 replaced by an escaped U+FFFD; an escaped backslash
     * followed by {@code u0000} is text, not an escape, and stays.
     */
    static String replaceInJson(String json) {
        if (!json.contains(JSON_NUL)) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\' || i + 1 == json.length()) {
                out.append(c);
            } else if (json.startsWith(JSON_NUL, i)) {
                out.append("\\ufffd");
                i += JSON_NUL.length() - 1;
            } else {
                out.append(c).append(json.charAt(i + 1));
                i++;
            }
        }
        return out.toString();
    }
}
