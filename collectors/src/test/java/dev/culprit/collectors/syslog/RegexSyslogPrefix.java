package dev.culprit.collectors.syslog;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regular-expression {@link SyslogPrefix} that the hand-written one replaced (issue 14), kept
 * unchanged as the reference it must agree with on every line (see HandParsedLinesTest).
 *
 * <p>Reads the prefix rsyslog writes before each message, in its two file formats:
 * traditional ({@code Nov 29 20:39:39 vm mod_evasive[8103]: ...}, local time without year or
 * zone) and RFC 3339 ({@code 2026-11-29T20:39:39.164332+00:00 vm mod_evasive[8103]: ...}, Debian
 * 12's default). Pure apart from reading the clock for the traditional format's missing year.
 */
public final class RegexSyslogPrefix {

    /**
     * How far ahead of our clock a traditional line may be and still count as this year: the
     * writer's clock may run ahead of ours, and a line stamped a few seconds after New Year
     * must not be taken for one from last January.
     */
    static final Duration CLOCK_SKEW = SyslogPrefix.CLOCK_SKEW;

    private static final Pattern TRADITIONAL =
            Pattern.compile("([A-Z][a-z]{2}) ([ \\d]\\d) (\\d\\d):(\\d\\d):(\\d\\d) (\\S+) (.*)", Pattern.DOTALL);
    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?(?:Z|[+-]\\d\\d:\\d\\d)) (\\S+) (.*)", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("([^\\s\\[\\]:]+)(?:\\[(\\d{1,9})\\])?: ?(.*)", Pattern.DOTALL);
    private static final Map<String, Month> MONTHS = Map.ofEntries(
            Map.entry("Jan", Month.JANUARY), Map.entry("Feb", Month.FEBRUARY), Map.entry("Mar", Month.MARCH),
            Map.entry("Apr", Month.APRIL), Map.entry("May", Month.MAY), Map.entry("Jun", Month.JUNE),
            Map.entry("Jul", Month.JULY), Map.entry("Aug", Month.AUGUST), Map.entry("Sep", Month.SEPTEMBER),
            Map.entry("Oct", Month.OCTOBER), Map.entry("Nov", Month.NOVEMBER), Map.entry("Dec", Month.DECEMBER));

    private final ZoneId zone;
    private final Clock clock;

    /**
     * @param zone the zone rsyslog wrote traditional (local) times in
     * @param clock gives the year that traditional lines leave out
     */
    public RegexSyslogPrefix(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /** The line's prefix and message, or empty when the line is in neither format. */
    public Optional<SyslogLine> parse(String line) {
        Matcher rfc = RFC3339.matcher(line);
        if (rfc.matches()) {
            try {
                long ts = OffsetDateTime.parse(rfc.group(1)).toInstant().toEpochMilli();
                return Optional.of(withTag(ts, rfc.group(2), rfc.group(3)));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        Matcher traditional = TRADITIONAL.matcher(line);
        if (traditional.matches()) {
            Month month = MONTHS.get(traditional.group(1));
            if (month == null) {
                return Optional.empty();
            }
            int day = Integer.parseInt(traditional.group(2).trim());
            int hour = Integer.parseInt(traditional.group(3));
            int minute = Integer.parseInt(traditional.group(4));
            int second = Integer.parseInt(traditional.group(5));
            return mostRecent(month, day, hour, minute, second)
                    .map(ts -> withTag(ts.toEpochMilli(), traditional.group(6), traditional.group(7)));
        }
        return Optional.empty();
    }

    /** The latest instant with this date and time that is not in the future (give or take the skew). */
    private Optional<Instant> mostRecent(Month month, int day, int hour, int minute, int second) {
        Instant latest = clock.instant().plus(CLOCK_SKEW);
        int thisYear = latest.atZone(zone).getYear();
        // Eight years back reaches a leap year from any year, for a line stamped Feb 29.
        for (int year = thisYear; year >= thisYear - 8; year--) {
            try {
                Instant at = LocalDateTime.of(year, month, day, hour, minute, second).atZone(zone).toInstant();
                if (!at.isAfter(latest)) {
                    return Optional.of(at);
                }
            } catch (DateTimeException e) {
                // no such day this year (Feb 29, Nov 31): try the year before
            }
        }
        return Optional.empty();
    }

    private static SyslogLine withTag(long ts, String host, String rest) {
        Matcher tag = TAG.matcher(rest);
        if (!tag.matches()) {
            return new SyslogLine(ts, host, "", null, rest);
        }
        Integer pid = tag.group(2) == null ? null : Integer.valueOf(tag.group(2));
        return new SyslogLine(ts, host, tag.group(1), pid, tag.group(3));
    }
}
