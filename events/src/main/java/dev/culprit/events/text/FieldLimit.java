package dev.culprit.events.text;

/**
 * The longest text Culprit keeps in one field that a host controls (a URL, a script path, a
 * process's command line, a summary quoting them). Beyond it the text is cut, and the cut says
 * so: an attacker's 100 kB URL can neither overflow a column, an alert or a terminal nor pass for
 * a shorter one. Cutting is idempotent: text within the limit, a cut one included, is kept as is.
 */
public final class FieldLimit {

    /**
     * A culprit's name or one of its details, and every text field of a host event a host controls
     * (a URL, a vhost, a client, a mail's recipient or subject, a script path, a process's name,
     * command line, cgroup or open file).
     */
    public static final int NAME = 1_000;
    /** An incident's summary, which quotes names. */
    public static final int SUMMARY = 3_000;
    /** The text of a refused input line a dead letter keeps. */
    public static final int RAW = 16_384;

    private FieldLimit() {}

    /** {@code text} when at most {@code limit} characters long, else its start and "…[N more characters]", at most {@code limit} in all. */
    public static String cap(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        // the marker's own length depends on N; one pass with the longest N possible is always enough
        int keep = limit - marker(text.length()).length();
        if (Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never half a character
        }
        return text.substring(0, keep) + marker(text.length() - keep);
    }

    /**
     * Each of {@code texts} cut to {@code limit} ({@link #cap}), as an unmodifiable list; null stays
     * null. A plain loop: every mail's recipients pass here, and a stream was a parser's largest cost.
     */
    public static java.util.List<String> capEach(java.util.List<String> texts, int limit) {
        if (texts == null) {
            return null;
        }
        String[] capped = new String[texts.size()];
        int i = 0;
        for (String text : texts) {
            capped[i++] = cap(text, limit);
        }
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(capped));
    }

    private static String marker(int cut) {
        return "…[" + cut + " more characters]";
    }
}
