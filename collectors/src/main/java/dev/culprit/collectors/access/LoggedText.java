package dev.culprit.collectors.access;

/**
 * Text from an access log made safe to pass on. Apache escapes control characters itself, but
 * whoever can write the log (the attacker, per the trust model) need not have: any that remain
 * are written the way Apache would have, as {@code \xhh}, and text is cut to a cap so one
 * line cannot blow up an event.
 */
final class LoggedText {

    private LoggedText() {}

    static String clean(String text, int max) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(String.format("\\x%02x", (int) c & 0xff));
            } else if (out != null) {
                out.append(c);
            }
        }
        String cleaned = out == null ? text : out.toString();
        if (cleaned.length() <= max) {
            return cleaned;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(cleaned.charAt(cut - 1))) {
            cut--; // never leave half a surrogate pair before the ellipsis
        }
        return cleaned.substring(0, cut) + "…";
    }
}
