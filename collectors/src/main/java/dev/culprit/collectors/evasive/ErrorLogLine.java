package dev.culprit.collectors.evasive;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The head of an Apache 2.4 error-log line in the default {@code ErrorLogFormat}:
 * {@code [Sun Nov 29 20:39:39.164413 2026] [evasive20:error] message}.
 *
 * @param module the module that logged it ({@code evasive20}, {@code core}, {@code authz_core})
 * @param message everything after the {@code [module:level]} field
 */
record ErrorLogLine(long ts, String module, String level, String message) {

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    /**
     * The line's head, or empty when the line does not start like an error-log line.
     *
     * <p>Read character by character rather than with a regular expression: during a DoS every
     * blocked request writes such a line, and this is where the collector spends its time. The
     * shape accepted is {@code [Www Mmm d HH:MM:SS(.u{1,6})? YYYY] [module:level] message}, with the
     * day one digit or two (the first may be a space), the fraction optional (a custom format may
     * leave it out), the module free of {@code ]}, {@code :} and whitespace, the level free of
     * {@code ]} and whitespace.
     */
    static Optional<ErrorLogLine> parse(String line, ZoneId zone) {
        // [Sun Nov 29 ...: the weekday is only checked for its shape, the month must be one
        if (line.length() < 9 || line.charAt(0) != '[' || !isWordOf3(line, 1) || line.charAt(4) != ' '
                || !isWordOf3(line, 5) || line.charAt(8) != ' ') {
            return Optional.empty();
        }
        int month = month(line, 5);
        int pos = 9;
        int day;
        if (pos + 2 < line.length() && (line.charAt(pos) == ' ' || isDigit(line, pos)) && isDigit(line, pos + 1)
                && line.charAt(pos + 2) == ' ') {
            day = (line.charAt(pos) == ' ' ? 0 : digit(line, pos) * 10) + digit(line, pos + 1);
            pos += 3;
        } else if (pos + 1 < line.length() && isDigit(line, pos) && line.charAt(pos + 1) == ' ') {
            day = digit(line, pos);
            pos += 2;
        } else {
            return Optional.empty();
        }
        // HH:MM:SS
        if (pos + 8 > line.length() || !isDigits(line, pos, 2) || line.charAt(pos + 2) != ':' || !isDigits(line, pos + 3, 2)
                || line.charAt(pos + 5) != ':' || !isDigits(line, pos + 6, 2)) {
            return Optional.empty();
        }
        int hour = number(line, pos, 2);
        int minute = number(line, pos + 3, 2);
        int second = number(line, pos + 6, 2);
        pos += 8;
        int fractionMillis = 0;
        if (pos < line.length() && line.charAt(pos) == '.') {
            int digits = 0;
            while (pos + 1 + digits < line.length() && isDigit(line, pos + 1 + digits)) {
                digits++;
            }
            if (digits < 1 || digits > 6) {
                return Optional.empty();
            }
            // microseconds to millis: the first three digits, as if the fraction were padded to six
            for (int i = 0; i < 3; i++) {
                fractionMillis = fractionMillis * 10 + (i < digits ? digit(line, pos + 1 + i) : 0);
            }
            pos += 1 + digits;
        }
        // ' YYYY] ['
        if (pos + 8 > line.length() || line.charAt(pos) != ' ' || !isDigits(line, pos + 1, 4) || line.charAt(pos + 5) != ']'
                || line.charAt(pos + 6) != ' ' || line.charAt(pos + 7) != '[') {
            return Optional.empty();
        }
        int year = number(line, pos + 1, 4);
        pos += 8;
        int moduleStart = pos;
        while (pos < line.length() && line.charAt(pos) != ']' && line.charAt(pos) != ':' && !isSpace(line.charAt(pos))) {
            pos++;
        }
        if (pos >= line.length() || line.charAt(pos) != ':') {
            return Optional.empty();
        }
        int moduleEnd = pos++;
        int levelStart = pos;
        while (pos < line.length() && line.charAt(pos) != ']' && !isSpace(line.charAt(pos))) {
            pos++;
        }
        if (pos + 1 >= line.length() || line.charAt(pos) != ']' || line.charAt(pos + 1) != ' ') {
            return Optional.empty();
        }
        int levelEnd = pos;
        if (month == 0) {
            return Optional.empty();
        }
        try {
            // Apache writes the server's local time with no zone; the zone is configuration.
            LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second);
            long millis = local.atZone(zone).toInstant().toEpochMilli() + fractionMillis;
            return Optional.of(new ErrorLogLine(millis, line.substring(moduleStart, moduleEnd),
                    line.substring(levelStart, levelEnd), line.substring(levelEnd + 2)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** 1 to 12 for the English month abbreviation at {@code at}; 0 for any other word. */
    private static int month(String s, int at) {
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(at, MONTHS, m * 3, 3)) {
                return m + 1;
            }
        }
        return 0;
    }

    /** An upper-case ASCII letter and two lower-case ones, as Apache writes day and month names. */
    private static boolean isWordOf3(String s, int at) {
        char first = s.charAt(at);
        char second = s.charAt(at + 1);
        char third = s.charAt(at + 2);
        return first >= 'A' && first <= 'Z' && second >= 'a' && second <= 'z' && third >= 'a' && third <= 'z';
    }

    private static boolean isDigit(String s, int at) {
        char c = s.charAt(at);
        return c >= '0' && c <= '9';
    }

    private static boolean isDigits(String s, int at, int count) {
        for (int i = at; i < at + count; i++) {
            if (!isDigit(s, i)) {
                return false;
            }
        }
        return true;
    }

    private static int digit(String s, int at) {
        return s.charAt(at) - '0';
    }

    private static int number(String s, int at, int count) {
        int n = 0;
        for (int i = at; i < at + count; i++) {
            n = n * 10 + digit(s, i);
        }
        return n;
    }

    /** What {@code \s} matches in a Java regular expression: the ASCII whitespace characters. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
