package io.inferbroker.store.internal;

/**
 * How text that must come back exactly (model output, error messages, a job's input and metadata) is
 * kept in PostgreSQL, which refuses U+0000 in {@code text} and its escape {@code \u0000} in {@code
 * jsonb}. Such text is stored encoded, with U+E000 (private use) as the escape character S:
 *
 * <ul>
 *   <li>U+0000 is written as S followed by {@code '0'};
 *   <li>S itself is written as S followed by {@code '1'};
 *   <li>every other character is written as it is.
 * </ul>
 *
 * The code is unambiguous: an encoded text holds no U+0000, and each S in it starts one of the two
 * pairs, which no other character starts, so it reads back in one way only; reading replaces S0 by
 * U+0000 and S1 by S. An S followed by anything else (text stored before this encoding) reads as it
 * is. A JSON document is encoded inside its strings, keys included: an escaped U+0000 and the
 * character S (raw or escaped) become the pairs above, everything else is copied byte for byte, so
 * numbers keep their exact text. Text holding neither U+0000 nor S is returned as it is, found with a
 * plain scan, so ordinary records cost no copy.
 *
 * <p>Identifiers (ids, tenant, model, worker, currency) are not encoded, so lookups bind them as
 * given; PostgreSQL cannot store a U+0000 in one, which {@link #replaceNul} replaces by U+FFFD.
 */
final class StoredText {
    static final char NUL = '\u0000';
    static final char ESCAPE = '\uE000';
    private static final char AS_NUL = '0';
    private static final char AS_ESCAPE = '1';
    private static final String JSON_NUL = "\\u0000";

    private StoredText() {}

    /** {@code text} encoded for a {@code text} column. */
    static String encode(String text) {
        if (text.indexOf(NUL) < 0 && text.indexOf(ESCAPE) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == NUL) {
                out.append(ESCAPE).append(AS_NUL);
            } else if (c == ESCAPE) {
                out.append(ESCAPE).append(AS_ESCAPE);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The text {@link #encode} was given. */
    static String decode(String stored) {
        return decode(stored, String.valueOf(NUL));
    }

    /**
     * JSON text encoded for a {@code jsonb} column: inside its strings, an escaped U+0000 becomes S0
     * and S (raw or escaped) becomes S1. An escaped backslash followed by {@code u0000} is text, not an
     * escape, and stays.
     */
    static String encodeJson(String json) {
        if (json.indexOf(ESCAPE) < 0 && !hasNulOrEscapeEscaped(json)) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 8);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == ESCAPE) {
                out.append(ESCAPE).append(AS_ESCAPE);
            } else if (c != '\\' || i + 1 == json.length()) {
                out.append(c);
            } else if (json.startsWith(JSON_NUL, i)) {
                out.append(ESCAPE).append(AS_NUL);
                i += JSON_NUL.length() - 1;
            } else if (json.regionMatches(true, i, "\\ue000", 0, 6)) {
                out.append(ESCAPE).append(AS_ESCAPE);
                i += 5;
            } else {
                out.append(c).append(json.charAt(i + 1));
                i++;
            }
        }
        return out.toString();
    }

    /**
     * The JSON text {@link #encodeJson} was given, up to escapes: S0 becomes an escaped U+0000 and S1 a
     * raw S. Meant for PostgreSQL's output of {@code jsonb}, which writes S raw, as it was stored.
     */
    static String decodeJson(String stored) {
        return decode(stored, JSON_NUL);
    }

    /** {@code stored} with S0 replaced by {@code nul} and S1 by S. */
    private static String decode(String stored, String nul) {
        if (stored.indexOf(ESCAPE) < 0) {
            return stored;
        }
        StringBuilder out = new StringBuilder(stored.length() + 8);
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            char next = i + 1 < stored.length() ? stored.charAt(i + 1) : NUL;
            if (c == ESCAPE && next == AS_NUL) {
                out.append(nul);
                i++;
            } else if (c == ESCAPE && next == AS_ESCAPE) {
                out.append(ESCAPE);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code text} with every U+0000 replaced by U+FFFD: for identifiers, which are not encoded. */
    static String replaceNul(String text) {
        return text.indexOf(NUL) < 0 ? text : text.replace(NUL, '\uFFFD');
    }

    /** Whether {@code json} holds {@code \\u0000} or {@code \\uE000} (in either case), in one scan. */
    private static boolean hasNulOrEscapeEscaped(String json) {
        for (int at = json.indexOf("\\u"); at >= 0; at = json.indexOf("\\u", at + 2)) {
            if (json.regionMatches(true, at + 2, "0000", 0, 4) || json.regionMatches(true, at + 2, "e000", 0, 4)) {
                return true;
            }
        }
        return false;
    }
}
