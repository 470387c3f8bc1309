package dev.culprit.collectors.apache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * The tables of a mod_status HTML page read straight from the markup Apache writes, without
 * building a document: the poller reads a page a second, and jsoup's tree building was most of
 * the time spent on it.
 *
 * <p>Only markup whose reading is beyond doubt is read here: a whole page ({@code <html>},
 * {@code <head>} with its {@code <title>}, {@code <body>}, every element closed by its own end
 * tag) of the few tags mod_status writes, tables directly in the body holding rows of cells, and
 * in a cell only text, the entities Apache's escaping writes and inline tags. A page with anything
 * else (cut off, garbled, a comment, another tag, a tag an HTML parser would close or move by
 * itself, a character it might read otherwise) is {@link NotPlainMarkup}, and jsoup reads it as
 * browsers do. On the pages accepted here both readings give the same tables, rows and cell texts.
 */
final class StatusMarkup {

    /** The page is not markup this reader is sure of; jsoup reads it instead. */
    static final class NotPlainMarkup extends RuntimeException {
        private NotPlainMarkup() {
            super(null, null, false, false); // a signal to fall back, not an error: no stack trace
        }
    }

    private static final NotPlainMarkup NOT_PLAIN = new NotPlainMarkup();

    private static final String[] TAGS = {
        "html", "head", "title", "body", "table", "tr", "th", "td", "address", "code", "font", "span",
        "pre", "hr", "h1", "h2", "h3", "dl", "dt", "dd", "br", "p", "i", "b"};
    private static final Set<String> INLINE = Set.of("b", "i", "code", "font", "span");
    private static final Set<String> HEADINGS = Set.of("h1", "h2", "h3");
    private static final String[][] ENTITIES = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", "\u00a0"}};

    /** Where the page is: the parts of a page that must come in this order. */
    private enum Part { START, HTML, HEAD, AFTER_HEAD, BODY, AFTER_BODY, END }

    private final String html;
    private int pos;
    private Part part = Part.START;
    private final Deque<String> open = new ArrayDeque<>();
    private final List<List<List<ExtendedStatusParser.Cell>>> tables = new ArrayList<>();
    private List<List<ExtendedStatusParser.Cell>> table;
    private List<ExtendedStatusParser.Cell> row;
    private int cellStart;

    private StatusMarkup(String html) {
        this.html = html;
    }

    /**
     * The page's tables in document order, each a list of rows of {@code td} and {@code th} cells.
     *
     * @throws NotPlainMarkup when the page is not plain mod_status markup
     */
    static List<List<List<ExtendedStatusParser.Cell>>> tables(String html) {
        return new StatusMarkup(html).read();
    }

    private List<List<List<ExtendedStatusParser.Cell>>> read() {
        if (html.startsWith("<!DOCTYPE ")) {
            pos = endOfMarkup(html.indexOf('>'));
        }
        while (pos < html.length()) {
            int lt = html.indexOf('<', pos);
            int textEnd = lt < 0 ? html.length() : lt;
            text(pos, textEnd);
            if (lt < 0) {
                break;
            }
            pos = lt;
            if (html.startsWith("</", pos)) {
                endTag();
            } else {
                startTag();
            }
        }
        require(part == Part.END);
        return tables;
    }

    /**
     * Text between tags is plain when printable ASCII (mod_ssl's status ends a line with CR), and
     * only whitespace where a parser would move or drop it. Any other character is left to jsoup:
     * it reads U+FFFF as the end of the page, for one.
     */
    private void text(int from, int to) {
        String current = open.peek();
        boolean whitespaceOnly = current == null || current.equals("html") || current.equals("head")
                || current.equals("table") || current.equals("tr");
        for (int i = from; i < to; i++) {
            char c = html.charAt(i);
            require(isWhitespace(c) || !whitespaceOnly && (isPrintable(c) || c == '\r'));
        }
    }

    private void startTag() {
        String name = tagAt(pos + 1);
        int end = attributesEnd(pos + 1 + name.length());
        boolean selfClosing = html.charAt(end - 1) == '/';
        pos = end + 1;
        boolean isVoid = name.equals("br") || name.equals("hr");
        require(!selfClosing || isVoid); // an HTML parser ignores the "/" of <td/>: the cell stays open
        String current = open.peek();
        switch (name) {
            case "html" -> {
                require(part == Part.START);
                part = Part.HTML;
            }
            case "head" -> {
                require(part == Part.HTML && "html".equals(current));
                part = Part.HEAD;
            }
            case "title" -> {
                require(part == Part.HEAD && "head".equals(current));
                // the title's text is not markup: it runs to </title>, and is plain only without a '<'
                int close = html.indexOf('<', pos);
                require(close >= 0 && html.startsWith("</title>", close) && isPrintable(pos, close));
                pos = close + "</title>".length();
                return;
            }
            case "body" -> {
                require(part == Part.AFTER_HEAD && "html".equals(current));
                part = Part.BODY;
            }
            case "table" -> {
                require("body".equals(current));
                table = new ArrayList<>();
                tables.add(table);
            }
            case "tr" -> {
                require("table".equals(current));
                row = new ArrayList<>();
                table.add(row);
            }
            case "td", "th" -> {
                require("tr".equals(current));
                cellStart = pos;
            }
            default -> {
                if (name.equals("br") || INLINE.contains(name)) {
                    // in a table only within a cell: elsewhere a parser moves them out in front of it
                    require(inBody() && (!open.contains("table") || inCell()));
                } else {
                    // hr and blocks: not in a table, and a parser closes an open <p>, <dt> or heading for them by itself
                    require(inBody() && !open.contains("table") && open.stream().noneMatch(e -> INLINE.contains(e) || e.equals("p")));
                    require(!(name.equals("dt") || name.equals("dd")) || !open.contains("dt") && !open.contains("dd"));
                    require(!HEADINGS.contains(name) || open.stream().noneMatch(HEADINGS::contains));
                }
            }
        }
        if (!isVoid) {
            open.push(name);
        }
    }

    private void endTag() {
        String name = tagAt(pos + 2);
        int end = pos + 2 + name.length();
        require(end < html.length() && html.charAt(end) == '>' && name.equals(open.peek()));
        switch (name) {
            case "td", "th" -> row.add(new ExtendedStatusParser.Cell.Scanned(html, cellStart, pos, name.equals("th")));
            case "head" -> part = Part.AFTER_HEAD;
            case "body" -> part = Part.AFTER_BODY;
            case "html" -> {
                require(part == Part.AFTER_BODY);
                part = Part.END;
            }
            default -> {
                // nothing to note
            }
        }
        open.pop();
        pos = end + 1;
    }

    private boolean inBody() {
        return part == Part.BODY;
    }

    private boolean inCell() {
        return open.contains("td") || open.contains("th");
    }

    /** The known lower-case tag name at {@code at}, ended by whitespace, '>' or '/'. */
    private String tagAt(int at) {
        for (String tag : TAGS) {
            int end = at + tag.length();
            if (html.startsWith(tag, at) && end < html.length()
                    && (isWhitespace(html.charAt(end)) || html.charAt(end) == '>' || html.charAt(end) == '/')) {
                return tag;
            }
        }
        throw NOT_PLAIN;
    }

    /**
     * The index of the '>' ending a start tag whose attributes begin at {@code at}: {@code name},
     * {@code name="value"}, {@code name='value'} or {@code name=value}, values free of quotes
     * and angle brackets, then '>' or "/>".
     */
    private int attributesEnd(int at) {
        int i = at;
        while (true) {
            int spaces = i;
            while (i < html.length() && isWhitespace(html.charAt(i))) {
                i++;
            }
            if (html.startsWith(">", i)) {
                return i;
            }
            if (html.startsWith("/>", i)) {
                return i + 1;
            }
            require(i > spaces); // attributes stand apart
            int nameStart = i;
            while (i < html.length() && (isLowerLetter(html.charAt(i)) || html.charAt(i) == '-')) {
                i++;
            }
            require(i > nameStart);
            if (html.startsWith("=", i)) {
                i = valueEnd(i + 1);
            }
        }
    }

    private int valueEnd(int at) {
        require(at < html.length());
        char quote = html.charAt(at);
        if (quote == '"' || quote == '\'') {
            int close = html.indexOf(quote, at + 1);
            require(close > 0 && isPlainValue(at + 1, close));
            return close + 1;
        }
        int i = at;
        while (i < html.length() && !isWhitespace(html.charAt(i)) && html.charAt(i) != '>') {
            i++;
        }
        require(i > at && isPlainValue(at, i) && html.charAt(i - 1) != '/');
        return i;
    }

    /** Printable ASCII but for the characters that could end or open a value or a tag. */
    private boolean isPlainValue(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = html.charAt(i);
            if (!isPrintable(c) || "<>\"'`=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A cell's text as jsoup's {@code text()} gives it: entities decoded, inline tags dropped,
     * each run of whitespace (and {@code &nbsp;}) one space, none at either end.
     *
     * @throws NotPlainMarkup for a {@code <br>} (a line break jsoup writes as a space), an entity
     *     other than Apache's, or a character outside printable ASCII
     */
    static String cellText(String html, int from, int to) {
        StringBuilder text = new StringBuilder(to - from);
        boolean space = false;
        for (int i = from; i < to; i++) {
            char c = html.charAt(i);
            if (c == '<') {
                if (html.startsWith("<br", i)) {
                    throw NOT_PLAIN;
                }
                i = html.indexOf('>', i); // an inline tag, found plain when the page was read
                continue;
            }
            if (c == '&') {
                String[] entity = entityAt(html, i);
                i += entity[0].length() - 1;
                c = entity[1].charAt(0);
            } else if (!isWhitespace(c) && !isPrintable(c)) {
                throw NOT_PLAIN;
            }
            if (isWhitespace(c) || c == '\u00a0') {
                space = text.length() > 0;
            } else {
                if (space) {
                    text.append(' ');
                    space = false;
                }
                text.append(c);
            }
        }
        return text.toString();
    }

    private static String[] entityAt(String html, int at) {
        for (String[] entity : ENTITIES) {
            if (html.startsWith(entity[0], at)) {
                return entity;
            }
        }
        throw NOT_PLAIN;
    }

    private int endOfMarkup(int gt) {
        require(gt > 0 && html.lastIndexOf('<', gt) == 0 && isPrintable(0, gt));
        return gt + 1;
    }

    private static boolean isPrintable(char c) {
        return c >= ' ' && c <= '~';
    }

    private boolean isPrintable(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isPrintable(html.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The whitespace mod_status writes; a parser's other whitespace (CR, form feed) is left to jsoup. */
    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n';
    }

    private static boolean isLowerLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static void require(boolean plain) {
        if (!plain) {
            throw NOT_PLAIN;
        }
    }
}
