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
     * The value of {@code column} in the current row: null stays null, decimals are written plainly,
     * U+0000 (which PostgreSQL refuses in text) becomes U+FFFD.
     */
    TextColumns put(String column, @Nullable Object value) {
        List<@Nullable String> values = columns.computeIfAbsent(column, c -> new ArrayList<>());
        values.add(
                value == null
                        ? null
                        : value instanceof BigDecimal d
                                ? d.toPlainString()
                                : NulCharacters.replaceIn(value.toString()));
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
