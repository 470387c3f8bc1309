package dev.culprit.collectors.apache;

import java.util.Map;

/** A cell's text as a reader sees it: entities decoded, runs of whitespace one space, trimmed. */
final class HtmlText {

    private static final Map<String, String> NAMED = Map.of(
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", " ");

    private HtmlText() {}

    static String plain(String html) {
        StringBuilder out = new StringBuilder(html.length());
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '&') {
                int semicolon = html.indexOf(';', i);
                String decoded = semicolon > i && semicolon - i <= 10 ? entity(html.substring(i + 1, semicolon)) : null;
                if (decoded != null) {
                    out.append(decoded);
                    i = semicolon + 1;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString().replaceAll("\\s+", " ").trim();
    }

    /** The text an entity stands for, or null when it is none we know (it is then kept verbatim). */
    private static String entity(String name) {
        if (name.startsWith("#x") || name.startsWith("#X")) {
            return codePoint(name.substring(2), 16);
        }
        if (name.startsWith("#")) {
            return codePoint(name.substring(1), 10);
        }
        return NAMED.get(name);
    }

    private static String codePoint(String digits, int radix) {
        try {
            int cp = Integer.parseInt(digits, radix);
            return cp > 0 && Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
