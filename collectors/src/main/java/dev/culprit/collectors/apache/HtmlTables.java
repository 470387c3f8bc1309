package dev.culprit.collectors.apache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tables of an HTML page as rows of cell texts. Enough HTML for what mod_status writes (and
 * what it writes when cut off or garbled): tags inside cells are dropped, entities decoded,
 * whitespace collapsed, and a cell or row that is never closed ends where the next one starts.
 */
final class HtmlTables {

    record Cell(String text, boolean header) {}

    private final List<List<List<Cell>>> tables = new ArrayList<>();
    private List<List<Cell>> table;
    private List<Cell> row;
    private StringBuilder cell;
    private boolean headerCell;

    private HtmlTables() {}

    /** Every table of the page, in order; each table a list of rows, each row a list of cells. */
    static List<List<List<Cell>>> read(String html) {
        HtmlTables reader = new HtmlTables();
        int at = 0;
        while (at < html.length()) {
            int open = html.indexOf('<', at);
            if (open < 0) {
                reader.text(html, at, html.length());
                break;
            }
            reader.text(html, at, open);
            int close = html.indexOf('>', open);
            if (close < 0) {
                break; // a page cut off inside a tag: the rest is no content
            }
            reader.tag(html.substring(open + 1, close));
            at = close + 1;
        }
        reader.endTable();
        return reader.tables;
    }

    private void tag(String inside) {
        boolean closing = inside.startsWith("/");
        String name = tagName(closing ? inside.substring(1) : inside);
        switch (name) {
            case "table" -> {
                endTable();
                if (!closing) {
                    table = new ArrayList<>();
                }
            }
            case "tr" -> {
                endRow();
                if (!closing) {
                    startRow();
                }
            }
            case "td", "th" -> {
                endCell();
                if (!closing) {
                    if (row == null) {
                        startRow();
                    }
                    cell = new StringBuilder();
                    headerCell = name.equals("th");
                }
            }
            case "br" -> {
                if (cell != null) {
                    cell.append(' ');
                }
            }
            default -> {
                // formatting inside a cell (<b>, <font>, <code>) carries no content of its own
            }
        }
    }

    private static String tagName(String inside) {
        int end = 0;
        while (end < inside.length() && Character.isLetterOrDigit(inside.charAt(end))) {
            end++;
        }
        return inside.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private void text(String html, int from, int to) {
        if (cell != null && from < to) {
            cell.append(html, from, to);
        }
    }

    private void startRow() {
        if (table == null) {
            table = new ArrayList<>();
        }
        row = new ArrayList<>();
    }

    private void endCell() {
        if (cell != null) {
            row.add(new Cell(HtmlText.plain(cell.toString()), headerCell));
            cell = null;
        }
    }

    private void endRow() {
        endCell();
        if (row != null) {
            table.add(row);
            row = null;
        }
    }

    private void endTable() {
        endRow();
        if (table != null) {
            tables.add(table);
            table = null;
        }
    }
}
