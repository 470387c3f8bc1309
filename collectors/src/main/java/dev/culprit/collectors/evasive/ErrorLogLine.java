package dev.culprit.collectors.evasive;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The head of an Apache 2.4 error-log line in the default {@code ErrorLogFormat}:
 * {@code [Sun Nov 29 20:39:39.164413 2026] [evasive20:error] message}.
 *
 * @param module the module that logged it ({@code evasive20}, {@code core}, {@code authz_core})
 * @param message everything after the {@code [module:level]} field
 */
record ErrorLogLine(long ts, String module, String level, String message) {

    // Microseconds are there by default ({%u}t); a custom format may leave them out.
    private static final Pattern HEAD = Pattern.compile(
            "\\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \\d]?\\d) (\\d\\d):(\\d\\d):(\\d\\d)(?:\\.(\\d{1,6}))? (\\d{4})\\] "
                    + "\\[([^\\]:\\s]*):([^\\]\\s]*)\\] (.*)",
            Pattern.DOTALL);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH);

    /** The line's head, or empty when the line does not start like an error-log line. */
    static Optional<ErrorLogLine> parse(String line, ZoneId zone) {
        Matcher m = HEAD.matcher(line);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Month month = Month.from(MONTH.parse(m.group(1)));
            // Apache writes the server's local time with no zone; the zone is configuration.
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(7)), month, Integer.parseInt(m.group(2).trim()),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            long millis = local.atZone(zone).toInstant().toEpochMilli() + fractionMillis(m.group(6));
            return Optional.of(new ErrorLogLine(millis, m.group(8), m.group(9), m.group(10)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static long fractionMillis(String digits) {
        if (digits == null) {
            return 0;
        }
        String padded = (digits + "000000").substring(0, 6);
        return Integer.parseInt(padded) / 1000;
    }
}
