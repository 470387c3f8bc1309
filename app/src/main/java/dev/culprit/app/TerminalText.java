package dev.culprit.app;

/**
 * Text from a monitored host made safe for an operator's terminal. Culprit names, URLs, script
 * paths, process names and summaries come from what attackers control, so control characters
 * (ANSI escapes among them) and Unicode format characters (bidi overrides) are shown escaped,
 * never obeyed. Every command that prints such text goes through {@link #printable}.
 */
public final class TerminalText {

    private TerminalText() {}

    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                sb.append(cp <= 0xff ? String.format("\\x%02x", cp) : String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
