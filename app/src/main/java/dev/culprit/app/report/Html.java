package dev.culprit.app.report;

import dev.culprit.app.TerminalText;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Text made safe for HTML and SVG, in element content and in quoted attributes alike. Culprit
 * names, URLs, script paths, command lines and vhosts are what an attacker on the host wrote: the
 * markup characters are escaped so that they show as text, and control characters (ANSI escapes,
 * newlines, bidi overrides) are shown escaped as a terminal shows them ({@link TerminalText}),
 * never obeyed.
 */
public final class Html {

    private Html() {}

    public static String escape(String s) {
        String printable = TerminalText.printable(s);
        StringBuilder sb = new StringBuilder(printable.length() + 16);
        for (int i = 0; i < printable.length(); i++) {
            char c = printable.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A figure as people read it: whole numbers without a fraction, others to 3 significant digits. */
    public static String figure(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    /** A figure exactly as stored, for data attributes a program compares with the events. */
    public static String exact(double v) {
        return Double.toString(v);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);

    public static String time(long epochMillis, ZoneId zone) {
        return TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }
}
