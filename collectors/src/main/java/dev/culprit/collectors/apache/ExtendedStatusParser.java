package dev.culprit.collectors.apache;

import dev.culprit.events.ApacheStatus.WorkerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * Reads the per-worker table of mod_status's HTML page (shown with {@code ExtendedStatus On}):
 * which client asked which virtual host for what, per busy worker. Pure; the only exception it
 * throws is {@link StatusFormatException}.
 *
 * <p>The table's columns differ between Apache versions (2.2 has no {@code Protocol} or
 * {@code Dur}), and the event MPM puts a per-process table before it, so the table and its
 * columns are found by their headers: {@code M} (the worker's scoreboard state), {@code Client},
 * {@code VHost}, {@code Request} and {@code SS} (seconds since the request began). Only {@code M}
 * and {@code Client} are required; a missing column or empty cell gives null, as does an
 * {@code SS} that is not a whole number. A page without such a table (ExtendedStatus Off) has no
 * workers to report.
 *
 * <p>The page is read by {@link StatusMarkup} when it is the plain markup mod_status writes, else
 * by jsoup, as browsers read HTML; both give the same cells.
 *
 * <p>Rows in state {@code _} (waiting) and {@code .} (open slot) are left out: their client and
 * request are what the slot served last, not what it serves now.
 */
public final class ExtendedStatusParser {

    private ExtendedStatusParser() {}

    /** A {@code td} or {@code th} cell; its text, as a reader sees it, is worked out only for the cells read (most are not). */
    sealed interface Cell {

        boolean header();

        String text();

        /** A cell of the markup {@link StatusMarkup} read: its content runs from {@code from} to {@code to} in {@code html}. */
        record Scanned(String html, int from, int to, boolean header) implements Cell {
            @Override
            public String text() {
                return StatusMarkup.cellText(html, from, to);
            }
        }

        /** A cell of the document jsoup built. */
        record Parsed(Element element) implements Cell {
            @Override
            public boolean header() {
                return element.nameIs("th");
            }

            @Override
            public String text() {
                // &nbsp; is a space to a reader; jsoup keeps it as U+00A0
                return element.text().replace('\u00a0', ' ').trim();
            }
        }
    }

    public static List<WorkerRequest> parse(String html) {
        try {
            return workers(StatusMarkup.tables(html));
        } catch (StatusMarkup.NotPlainMarkup notPlain) {
            // jsoup reads HTML as browsers do, cut-off or garbled pages included; reading is pure, so it starts afresh
            return workers(parsedTables(html));
        }
    }

    private static List<WorkerRequest> workers(List<List<List<Cell>>> tables) {
        for (List<List<Cell>> table : tables) {
            for (int r = 0; r < table.size(); r++) {
                Columns columns = Columns.of(table.get(r));
                if (columns != null) {
                    return busyWorkers(table.subList(r + 1, table.size()), columns);
                }
            }
        }
        return List.of();
    }

    /** Every table of the document jsoup builds, as rows of their {@code td} and {@code th} cells. */
    private static List<List<List<Cell>>> parsedTables(String html) {
        List<List<List<Cell>>> tables = new ArrayList<>();
        for (Element table : Jsoup.parse(html).getElementsByTag("table")) {
            List<List<Cell>> rows = new ArrayList<>();
            for (Element tr : table.getElementsByTag("tr")) {
                List<Cell> row = new ArrayList<>();
                for (Element cell : tr.children()) {
                    if (cell.nameIs("td") || cell.nameIs("th")) {
                        row.add(new Cell.Parsed(cell));
                    }
                }
                rows.add(row);
            }
            tables.add(rows);
        }
        return tables;
    }

    private static List<WorkerRequest> busyWorkers(List<List<Cell>> rows, Columns columns) {
        List<WorkerRequest> workers = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<Cell> row = rows.get(r);
            if (row.isEmpty()) {
                continue;
            }
            int number = r + 1;
            if (row.size() <= columns.last()) {
                throw new StatusFormatException("worker table row " + number + ": " + row.size()
                        + " cells, the header names " + (columns.last() + 1) + " or more");
            }
            String mode = row.get(columns.mode()).text();
            if (mode.length() != 1 || ScoreboardState.ofSymbol(mode.charAt(0)).isEmpty()) {
                throw new StatusFormatException("worker table row " + number + ": M is '" + mode
                        + "', expected one scoreboard state of _SRWKDCLGI.");
            }
            ScoreboardState state = ScoreboardState.ofSymbol(mode.charAt(0)).orElseThrow();
            if (state == ScoreboardState.WAITING || state == ScoreboardState.OPEN_SLOT) {
                continue;
            }
            workers.add(new WorkerRequest(
                    text(row, columns.client()), text(row, columns.vhost()), text(row, columns.request()),
                    mode, seconds(text(row, columns.secondsSinceRequest()))));
        }
        return workers;
    }

    /** Column positions in the worker table; -1 for an optional column the table lacks. */
    private record Columns(int mode, int client, int vhost, int request, int secondsSinceRequest) {

        static Columns of(List<Cell> cells) {
            if (cells.isEmpty() || !cells.stream().allMatch(Cell::header)) {
                return null;
            }
            List<String> header = cells.stream().map(Cell::text).toList();
            int mode = indexOf(header, "M");
            int client = indexOf(header, "Client");
            if (mode < 0 || client < 0) {
                return null;
            }
            return new Columns(mode, client, indexOf(header, "VHost"), indexOf(header, "Request"), indexOf(header, "SS"));
        }

        int last() {
            return Math.max(Math.max(mode, client), Math.max(Math.max(vhost, request), secondsSinceRequest));
        }

        private static int indexOf(List<String> header, String name) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A cell's text; null when the column is missing or the cell is empty (Apache prints nothing it does not know). */
    private static String text(List<Cell> row, int column) {
        if (column < 0) {
            return null;
        }
        String text = row.get(column).text();
        return text.isEmpty() ? null : text;
    }

    private static Long seconds(String text) {
        return text != null && text.matches("[0-9]{1,18}") ? Long.valueOf(text) : null;
    }
}
