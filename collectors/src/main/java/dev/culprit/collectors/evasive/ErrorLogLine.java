package dev.culprit.collectors.evasive;

import dev.culprit.collectors.Ascii;
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
        if (line.length() < 9 || line.charAt(0) != '[' || !Ascii.isCapitalizedWordOf3(line, 1) || line.charAt(4) != ' '
                || !Ascii.isCapitalizedWordOf3(line, 5) || line.charAt(8) != ' ') {
            return Optional.empty();
        }
        int month = Ascii.month(line, 5);
        int pos = 9;
        int day;
        if (pos + 2 < line.length() && (line.charAt(pos) == ' ' || Ascii.isDigit(line.charAt(pos)))
                && Ascii.isDigit(line.charAt(pos + 1))
                && line.charAt(pos + 2) == ' ') {
            day = (line.charAt(pos) == ' ' ? 0 : Ascii.number(line, pos, 1) * 10) + Ascii.number(line, pos + 1, 1);
            pos += 3;
        } else if (pos + 1 < line.length() && Ascii.isDigit(line.charAt(pos)) && line.charAt(pos + 1) == ' ') {
            day = Ascii.number(line, pos, 1);
            pos += 2;
        } else {
            return Optional.empty();
        }
        // HH:MM:SS
        if (pos + 8 > line.length() || !Ascii.isDigits(line, pos, 2) || line.charAt(pos + 2) != ':' || !Ascii.isDigits(line, pos + 3, 2)
                || line.charAt(pos + 5) != ':' || !Ascii.isDigits(line, pos + 6, 2)) {
            return Optional.empty();
        }
        int hour = Ascii.number(line, pos, 2);
        int minute = Ascii.number(line, pos + 3, 2);
        int second = Ascii.number(line, pos + 6, 2);
        pos += 8;
        int fractionMillis = 0;
        if (pos < line.length() && line.charAt(pos) == '.') {
            int digits = 0;
            while (pos + 1 + digits < line.length() && Ascii.isDigit(line.charAt(pos + 1 + digits))) {
                digits++;
            }
            if (digits < 1 || digits > 6) {
                return Optional.empty();
            }
            // microseconds to millis: the first three digits, as if the fraction were padded to six
            for (int i = 0; i < 3; i++) {
                fractionMillis = fractionMillis * 10 + (i < digits ? Ascii.number(line, pos + 1 + i, 1) : 0);
            }
            pos += 1 + digits;
        }
        // ' YYYY] ['
        if (pos + 8 > line.length() || line.charAt(pos) != ' ' || !Ascii.isDigits(line, pos + 1, 4) || line.charAt(pos + 5) != ']'
                || line.charAt(pos + 6) != ' ' || line.charAt(pos + 7) != '[') {
            return Optional.empty();
        }
        int year = Ascii.number(line, pos + 1, 4);
        pos += 8;
        int moduleStart = pos;
        while (pos < line.length() && line.charAt(pos) != ']' && line.charAt(pos) != ':' && !Ascii.isSpace(line.charAt(pos))) {
            pos++;
        }
        if (pos >= line.length() || line.charAt(pos) != ':') {
            return Optional.empty();
        }
        int moduleEnd = pos++;
        int levelStart = pos;
        while (pos < line.length() && line.charAt(pos) != ']' && !Ascii.isSpace(line.charAt(pos))) {
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
}
