package io.inferbroker.store.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jspecify.annotations.Nullable;

/**
 * Rows laid out column by column as text arrays, for the multi-row statements of {@link JobSql}
 * ({@code unnest} of one array per column, named like its bind parameter). Text keeps the binding to
 * one array type; the statements cast each column back. Every row must put the same columns. Not
 * thread-safe.
 */
final class TextColumns {
    private final Map<String, List<@Nullable String>> columns = new LinkedHashMap<>();
    private int rows;

    /** Starts a row; the next {@link #put} calls fill it. */
    TextColumns row() {
        rows++;
        return this;
    }

    /**
     * The value of {@code column} in the current row, for an identifier or a value of fixed form:
     * null stays null, decimals are written plainly, U+0000 (which PostgreSQL refuses in text and no
     * identifier holds) becomes U+FFFD.
     */
    TextColumns put(String column, @Nullable Object value) {
        return add(
                column,
                value == null
                        ? null
                        : value instanceof BigDecimal d ? d.toPlainString() : StoredText.replaceNul(value.toString()));
    }

    /**
     * Text of {@code column} in the current row that must read back exactly (an error message):
     * encoded by {@link StoredText#encode}; null stays null.
     */
    TextColumns putText(String column, @Nullable String text) {
        return add(column, text == null ? null : StoredText.encode(text));
    }

    /**
     * JSON of a {@code jsonb} column in the current row, already encoded by {@link
     * StoredText#encodeJson}; null stays null.
     */
    TextColumns putJson(String column, @Nullable String storedJson) {
        return add(column, storedJson);
    }

    private TextColumns add(String column, @Nullable String value) {
        columns.computeIfAbsent(column, c -> new ArrayList<>()).add(value);
        return this;
    }

    int rows() {
        return rows;
    }

    /** Binds each column as a text array under its name. */
    <S extends SqlStatement<S>> S bind(S statement) {
        columns.forEach((name, values) -> {
            if (values.size() != rows) {
                throw new IllegalStateException(
                        "column " + name + " has " + values.size() + " values for " + rows + " rows");
            }
            statement.bind(name, values.toArray(String[]::new));
        });
        return statement;
    }
}
