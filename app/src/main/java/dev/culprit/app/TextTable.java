package dev.culprit.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows as aligned columns, two spaces apart, fitted to a width. The columns a reader needs to tell
 * rows apart and act on (an incident's id, kind, host, start) are {@link Column#whole} and never
 * cut; the others give way from the right: a {@link Column#cut} column is shortened down to its
 * minimum, an ellipsis marking the cut, and a column that cannot give way enough is left out.
 * Every cell is {@link TerminalText#printable}, so a row stays one line.
 */
final class TextTable {

    /**
     * @param minWidth the narrowest this column may be cut to; {@link Integer#MAX_VALUE}: never cut
     *     nor left out; 0: left out whole rather than cut
     */
    record Column(String header, int minWidth) {

        static Column whole(String header) {
            return new Column(header, Integer.MAX_VALUE);
        }

        /** Cut down to no fewer than {@code minWidth} columns, else left out. */
        static Column cut(String header, int minWidth) {
            return new Column(header, minWidth);
        }

        /** Shown whole or not at all (a time cut short reads as another time). */
        static Column allOrNothing(String header) {
            return new Column(header, 0);
        }

        boolean mayGo() {
            return minWidth != Integer.MAX_VALUE;
        }
    }

    private static final int GAP = 2;

    private TextTable() {}

    static void print(PrintWriter out, int width, List<Column> columns, List<List<String>> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toList());
        rows.forEach(r -> cells.add(r.stream().map(TerminalText::printable).toList()));
        int[] widths = new int[columns.size()];
        for (List<String> r : cells) {
            for (int c = 0; c < r.size(); c++) {
                widths[c] = Math.max(widths[c], Terminal.length(r.get(c)));
            }
        }
        boolean[] shown = fit(columns, widths, width);
        for (List<String> r : cells) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.size(); c++) {
                if (!shown[c]) {
                    continue;
                }
                String cell = Terminal.cut(r.get(c), widths[c]);
                if (!line.isEmpty()) {
                    line.append(" ".repeat(GAP));
                }
                line.append(cell).append(" ".repeat(widths[c] - Terminal.length(cell)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Narrows {@code widths} in place, rightmost giving way first; which columns stay. */
    private static boolean[] fit(List<Column> columns, int[] widths, int width) {
        boolean[] shown = new boolean[columns.size()];
        java.util.Arrays.fill(shown, true);
        for (int c = columns.size() - 1; c >= 0 && total(widths, shown) > width; c--) {
            Column column = columns.get(c);
            if (!column.mayGo()) {
                continue;
            }
            int over = total(widths, shown) - width;
            int narrowed = widths[c] - over;
            if (column.minWidth() > 0 && narrowed >= Math.max(column.minWidth(), Terminal.length(column.header()))) {
                widths[c] = narrowed;
            } else {
                shown[c] = false;
            }
        }
        return shown;
    }

    private static int total(int[] widths, boolean[] shown) {
        int sum = 0;
        int n = 0;
        for (int c = 0; c < widths.length; c++) {
            if (shown[c]) {
                sum += widths[c];
                n++;
            }
        }
        return sum + GAP * Math.max(0, n - 1);
    }
}
