package dev.culprit.collectors.syslog;

import dev.culprit.collectors.Ascii;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads the prefix rsyslog writes before each message, in its two file formats:
 * traditional ({@code Nov 29 20:39:39 vm mod_evasive[8103]: ...}, local time without year or
 * zone) and RFC 3339 ({@code 2026-11-29T20:39:39.164332+00:00 vm mod_evasive[8103]: ...}, Debian
 * 12's default). Pure apart from reading the clock for the traditional format's missing year.
 */
public final class SyslogPrefix {

    /**
     * How far ahead of our clock a traditional line may be and still count as this year: the
     * writer's clock may run ahead of ours, and a line stamped a few seconds after New Year
     * must not be taken for one from last January.
     */
    static final Duration CLOCK_SKEW = Duration.ofDays(1);

    /** The longest offset {@code OffsetDateTime.parse} takes: {@code ZoneOffset}'s range, ±18:00. */
    private static final int MAX_OFFSET_MINUTES = 18 * 60;
    /** Where the fraction of a second, if any, starts in an RFC 3339 stamp: after {@code 2026-11-29T20:39:39}. */
    private static final int FRACTION = 19;

    private final ZoneId zone;
    private final Clock clock;

    /**
     * @param zone the zone rsyslog wrote traditional (local) times in
     * @param clock gives the year that traditional lines leave out
     */
    public SyslogPrefix(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * The line's prefix and message, or empty when the line is in neither format.
     *
     * <p>Read character by character rather than with regular expressions: every line of a
     * syslog the collector tails comes through here. The shapes accepted are those of the
     * patterns {@code \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d) HOST REST} and
     * {@code [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d HOST REST}, HOST being {@code \S+} and each gap
     * one space; REST may hold anything, line breaks included.
     */
    public Optional<SyslogLine> parse(String line) {
        // A line can only be in the format its first character allows.
        if (!line.isEmpty() && Ascii.isDigit(line.charAt(0))) {
            return rfc3339(line);
        }
        return traditional(line);
    }

    /** {@code 2026-11-29T20:39:39.164332+00:00 host rest}: its own offset, any fraction cut to millis. */
    private static Optional<SyslogLine> rfc3339(String line) {
        int fractionEnd = rfc3339FractionEnd(line);
        int offsetEnd = fractionEnd < 0 ? -1 : offsetEnd(line, fractionEnd);
        int hostEnd = offsetEnd < 0 ? -1 : hostEnd(line, offsetEnd);
        if (hostEnd < 0) {
            return Optional.empty();
        }
        OptionalLong ts = rfc3339Millis(line, fractionEnd);
        return ts.isEmpty() ? Optional.empty() : Optional.of(withTag(ts.getAsLong(), line, offsetEnd + 1, hostEnd));
    }

    /**
     * Where {@code \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?} at the start of the line ends (where
     * its offset starts), or -1 when the line does not start so.
     */
    private static int rfc3339FractionEnd(String line) {
        if (!Ascii.isDigits(line, 0, 4) || !Ascii.isAt(line, 4, '-') || !Ascii.isDigits(line, 5, 2) || !Ascii.isAt(line, 7, '-')
                || !Ascii.isDigits(line, 8, 2) || !Ascii.isAt(line, 10, 'T') || !isTime(line, 11)) {
            return -1;
        }
        if (!Ascii.isAt(line, FRACTION, '.')) {
            return FRACTION;
        }
        int end = FRACTION + 1;
        while (end < line.length() && Ascii.isDigit(line.charAt(end))) {
            end++;
        }
        int digits = end - FRACTION - 1;
        return digits >= 1 && digits <= 9 ? end : -1;
    }

    /** Where {@code Z|[+-]\d\d:\d\d} at {@code at} ends, or -1 when there is no such offset there. */
    private static int offsetEnd(String line, int at) {
        if (Ascii.isAt(line, at, 'Z')) {
            return at + 1;
        }
        boolean signed = Ascii.isAt(line, at, '+') || Ascii.isAt(line, at, '-');
        return signed && Ascii.isDigits(line, at + 1, 2) && Ascii.isAt(line, at + 3, ':') && Ascii.isDigits(line, at + 4, 2)
                ? at + 6 : -1;
    }

    /**
     * The epoch millis of a stamp of the shape checked, its offset at {@code offset}; empty for what
     * {@code OffsetDateTime.parse} refuses (checked rather than caught): no such day, hour 24,
     * second 60, offset minutes past 59, an offset beyond ±18:00.
     */
    private static OptionalLong rfc3339Millis(String line, int offset) {
        int year = Ascii.number(line, 0, 4);
        int month = Ascii.number(line, 5, 2);
        int day = Ascii.number(line, 8, 2);
        int hour = Ascii.number(line, 11, 2);
        int minute = Ascii.number(line, 14, 2);
        int second = Ascii.number(line, 17, 2);
        if (month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || hour > 23 || minute > 59 || second > 59) {
            return OptionalLong.empty();
        }
        int offsetMinutes = 0;
        if (line.charAt(offset) != 'Z') {
            int minutes = Ascii.number(line, offset + 4, 2);
            offsetMinutes = Ascii.number(line, offset + 1, 2) * 60 + minutes;
            if (minutes > 59 || offsetMinutes > MAX_OFFSET_MINUTES) {
                return OptionalLong.empty();
            }
            offsetMinutes = line.charAt(offset) == '-' ? -offsetMinutes : offsetMinutes;
        }
        // the fraction's first three digits, as if it were padded to nine: what toEpochMilli keeps
        int millis = 0;
        for (int i = FRACTION + 1; i < FRACTION + 4; i++) {
            millis = millis * 10 + (i < offset ? line.charAt(i) - '0' : 0);
        }
        long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second
                - offsetMinutes * 60L;
        return OptionalLong.of(epochSecond * 1_000 + millis);
    }

    /** {@code Nov 29 20:39:39 host rest}: local time in our zone, in the most recent year that is not ahead of us. */
    private Optional<SyslogLine> traditional(String line) {
        if (!Ascii.isCapitalizedWordOf3(line, 0) || !Ascii.isAt(line, 3, ' ') || !(Ascii.isAt(line, 4, ' ') || Ascii.isDigits(line, 4, 1))
                || !Ascii.isDigits(line, 5, 1) || !Ascii.isAt(line, 6, ' ') || !isTime(line, 7)) {
            return Optional.empty();
        }
        int hostEnd = hostEnd(line, 15);
        int month = Ascii.month(line, 0);
        if (hostEnd < 0 || month == 0) {
            return Optional.empty();
        }
        int day = (line.charAt(4) == ' ' ? 0 : Ascii.number(line, 4, 1) * 10) + Ascii.number(line, 5, 1);
        int hour = Ascii.number(line, 7, 2);
        int minute = Ascii.number(line, 10, 2);
        int second = Ascii.number(line, 13, 2);
        return mostRecent(Month.of(month), day, hour, minute, second)
                .map(ts -> withTag(ts.toEpochMilli(), line, 16, hostEnd));
    }

    /** {@code \d\d:\d\d:\d\d} at {@code at}. */
    private static boolean isTime(String line, int at) {
        return Ascii.isDigits(line, at, 2) && Ascii.isAt(line, at + 2, ':') && Ascii.isDigits(line, at + 3, 2)
                && Ascii.isAt(line, at + 5, ':') && Ascii.isDigits(line, at + 6, 2);
    }

    /**
     * Where the host ends, for {@code " HOST "} at {@code space}: a space, a run of non-whitespace
     * and a space; -1 when the line does not go on like that.
     */
    private static int hostEnd(String line, int space) {
        if (!Ascii.isAt(line, space, ' ')) {
            return -1;
        }
        int end = Ascii.endOfNonSpace(line, space + 1);
        return end > space + 1 && Ascii.isAt(line, end, ' ') ? end : -1;
    }

    /** The latest instant with this date and time that is not in the future (give or take the skew). */
    private Optional<Instant> mostRecent(Month month, int day, int hour, int minute, int second) {
        if (day < 1 || hour > 23 || minute > 59 || second > 59) {
            return Optional.empty(); // a time no year has
        }
        Instant latest = clock.instant().plus(CLOCK_SKEW);
        int thisYear = latest.atZone(zone).getYear();
        // Eight years back reaches a leap year from any year, for a line stamped Feb 29.
        for (int year = thisYear; year >= thisYear - 8; year--) {
            if (day > month.length(Year.isLeap(year))) {
                continue; // no such day this year (Feb 29, Nov 31): try the year before
            }
            Instant at = LocalDateTime.of(year, month, day, hour, minute, second).atZone(zone).toInstant();
            if (!at.isAfter(latest)) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /**
     * The line from {@code hostStart} on: host, then {@code tag[pid]: message} or {@code tag: message}
     * (the shape of {@code ([^\s\[\]:]+)(\[\d{1,9}\])?: ?(.*)}), or a message with no tag at all.
     */
    private static SyslogLine withTag(long ts, String line, int hostStart, int hostEnd) {
        String host = line.substring(hostStart, hostEnd);
        int rest = hostEnd + 1;
        int tagEnd = rest;
        while (tagEnd < line.length() && isTagChar(line.charAt(tagEnd))) {
            tagEnd++;
        }
        int pidEnd = pidEnd(line, tagEnd);
        int colon = pidEnd < 0 ? tagEnd : pidEnd;
        if (tagEnd == rest || !Ascii.isAt(line, colon, ':')) {
            return new SyslogLine(ts, host, "", null, line.substring(rest));
        }
        Integer pid = pidEnd < 0 ? null : Ascii.number(line, tagEnd + 1, pidEnd - tagEnd - 2);
        int message = Ascii.isAt(line, colon + 1, ' ') ? colon + 2 : colon + 1;
        return new SyslogLine(ts, host, line.substring(rest, tagEnd), pid, line.substring(message));
    }

    /** Where {@code \[\d{1,9}\]} at {@code at} ends, or -1 when there is no pid there. */
    private static int pidEnd(String line, int at) {
        if (!Ascii.isAt(line, at, '[')) {
            return -1;
        }
        int close = at + 1;
        while (close < line.length() && Ascii.isDigit(line.charAt(close))) {
            close++;
        }
        int digits = close - at - 1;
        return digits >= 1 && digits <= 9 && Ascii.isAt(line, close, ']') ? close + 1 : -1;
    }

    /** {@code [^\s\[\]:]}: what a tag may be made of. */
    private static boolean isTagChar(char c) {
        return c != '[' && c != ']' && c != ':' && !Ascii.isSpace(c);
    }
}
