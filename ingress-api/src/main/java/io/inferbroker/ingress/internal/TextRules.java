package io.inferbroker.ingress.internal;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The characters the broker refuses in the short text it stores and shows back (names, ids, model
 * names, metadata keys and values, URLs, Idempotency-Key): control characters (C0, DEL and C1, the
 * NUL character included) and unpaired UTF-16 surrogates, which no UTF-8 column can hold unmangled.
 * Prompts and other model input are not checked here: they are stored exactly as sent.
 */
final class TextRules {
    private TextRules() {}

    /** Why {@code text} is refused, or {@code null} when it is fine. */
    public static @Nullable String refusal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return "must not contain control characters (" + codePoint(c) + " at character " + i + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "must not contain an unpaired surrogate (" + codePoint(c) + " at character " + i + ")";
            }
            if (Character.isLowSurrogate(c)) {
                return "must not contain an unpaired surrogate (" + codePoint(c) + " at character " + i + ")";
            }
        }
        return null;
    }

    /**
     * Adds an error at {@code pointer} when {@code text} is refused; answers whether it was fine.
     * {@code pointer} is a JSON pointer, {@code ?name} for a query parameter or a header name.
     */
    public static boolean check(String text, String pointer, List<Problem.FieldError> errors) {
        String refusal = refusal(text);
        if (refusal == null) {
            return true;
        }
        errors.add(new Problem.FieldError(pointer, refusal));
        return false;
    }

    private static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
