package io.inferbroker.replay.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** A table of text cells written as aligned columns: numbers to the right, text to the left. */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    void add(List<String> row) {
        rows.add(List.copyOf(row));
    }

    void write(Appendable out) {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        java.util.Arrays.fill(numeric, true);
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
                numeric[i] &= row.get(i).isEmpty() || row.get(i).matches("-?[0-9.,%]+");
            }
        }
        try {
            line(out, header, width, numeric);
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
            }
            out.append(rule).append('\n');
            for (List<String> row : rows) {
                line(out, row, width, numeric);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void line(Appendable out, List<String> cells, int[] width, boolean[] numeric) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            b.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + c : c + pad);
        }
        out.append(b.toString().stripTrailing()).append('\n');
    }
}
