package dev.culprit.collectors;

/**
 * The character tests that hand-written line parsers share. They read {@code String}s by index
 * rather than by regular expression because the collector spends its time there during a flood;
 * each test means exactly what the regular-expression class in its comment means in Java, so a
 * parser keeps accepting what its pattern accepted.
 */
public final class Ascii {

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    private Ascii() {}

    /** Whether {@code s} has {@code c} at {@code at} (false past either end). */
    public static boolean isAt(String s, int at, char c) {
        return at >= 0 && at < s.length() && s.charAt(at) == c;
    }

    /** {@code \d}: an ASCII digit (Java's {@code \d} matches no other digits). */
    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code \d{count}} at {@code at}, within the string. */
    public static boolean isDigits(String s, int at, int count) {
        if (at < 0 || at + count > s.length()) {
            return false;
        }
        for (int i = at; i < at + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The value of the {@code count} digits at {@code at}, which the caller has checked are digits. */
    public static int number(String s, int at, int count) {
        int n = 0;
        for (int i = at; i < at + count; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    /** {@code \s}: the ASCII whitespace characters, the only ones Java's {@code \s} matches. */
    public static boolean isSpace(char c) {
        // one comparison for the characters that make up most of a line
        return c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r');
    }

    /** {@code [A-Z][a-z]{2}} at {@code at}, as day and month names are written. */
    public static boolean isCapitalizedWordOf3(String s, int at) {
        if (at < 0 || at + 3 > s.length()) {
            return false;
        }
        char first = s.charAt(at);
        char second = s.charAt(at + 1);
        char third = s.charAt(at + 2);
        return first >= 'A' && first <= 'Z' && second >= 'a' && second <= 'z' && third >= 'a' && third <= 'z';
    }

    /** 1 to 12 for the English month abbreviation ({@code Jan} ... {@code Dec}, this case only) at {@code at}; 0 for anything else. */
    public static int month(String s, int at) {
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(at, MONTHS, m * 3, 3)) {
                return m + 1;
            }
        }
        return 0;
    }

    /** The end of the run of {@code \S} characters from {@code from}: the index of the first whitespace, or the length. */
    public static int endOfNonSpace(String s, int from) {
        int i = from;
        while (i < s.length() && !isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The first {@code c} in {@code [from, to)}, or -1: unlike {@code indexOf}, never reads past {@code to}. */
    public static int indexOf(String s, char c, int from, int to) {
        for (int i = Math.max(from, 0); i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
