package dev.culprit.rules.files;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as rule files write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. The rules
 * module keeps its own (tiny) parser rather than depend on the collectors for it.
 */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    private DurationText() {}

    /** The duration in millis, or -1 when the text is not one. */
    static long millis(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }

    /** The shortest way to write {@code millis} that {@link #millis(String)} reads back. */
    public static String of(long millis) {
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        } else if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
