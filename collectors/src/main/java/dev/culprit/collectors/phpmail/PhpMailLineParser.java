package dev.culprit.collectors.phpmail;

import dev.culprit.collectors.Ascii;
import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.syslog.SyslogLine;
import dev.culprit.collectors.syslog.SyslogPrefix;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * PHP's {@code mail.log}: one line per {@code mail()} call,
 * {@code mail() on [FILE:LINE]: To: TO -- Headers: HEADERS -- Subject: SUBJECT}, in a file
 * behind {@code [d-M-Y H:i:s e]} (PHP 8), in a file with no date (older PHP) or in syslog
 * with {@code mail.log = syslog}. Older PHP also leaves out the Subject part.
 */
public final class PhpMailLineParser implements LineParser {

    public static final String MAIL_LOG = "php-mail-log";
    public static final String SYSLOG = "syslog";

    private static final String CALL = "mail() on [";
    private static final String TO = "]: To: ";
    private static final String HEADERS = " -- Headers: ";
    private static final String SUBJECT = " -- Subject: ";
    /** Where the zone starts in {@code [29-Nov-2026 20:40:35 UTC] }. */
    private static final int ZONE = 22;

    private final Clock clock;
    private final SyslogPrefix syslog;

    /**
     * @param zone the zone rsyslog writes traditional (local) times in; file lines name their own
     * @param clock gives the year traditional syslog lines leave out, and the time of file lines
     *     that carry none
     */
    public PhpMailLineParser(ZoneId zone, Clock clock) {
        this.clock = clock;
        this.syslog = new SyslogPrefix(zone, clock);
    }

    @Override
    public ParseResult parse(String host, String line) {
        if (line.startsWith(CALL)) {
            // Older PHP wrote file lines without a date, and the line is all there is: the best
            // event time left is now, which is within one poll of PHP writing the line.
            return mail(host, MAIL_LOG, clock.millis(), line, 0);
        }
        int zoneEnd = datedZoneEnd(line);
        if (zoneEnd >= 0) {
            OptionalLong ts = phpTime(line, zoneEnd);
            if (ts.isEmpty()) {
                return ParseResult.unparseable("date '" + line.substring(1, zoneEnd)
                        + "' is not d-M-Y H:i:s followed by a known time zone");
            }
            return mail(host, MAIL_LOG, ts.getAsLong(), line, zoneEnd + 2);
        }
        Optional<SyslogLine> syslogLine = syslog.parse(line);
        if (syslogLine.isPresent()) {
            // Matched on the message, not the ident: php.ini's syslog.ident may rename "php",
            // and PHP's other syslog lines (errors) are not mail.
            SyslogLine s = syslogLine.get();
            return s.message().startsWith(CALL) ? mail(host, SYSLOG, s.ts(), s.message(), 0) : ParseResult.IGNORED;
        }
        return ParseResult.unparseable("neither 'mail() on [', '[date zone] mail() on [' nor a syslog line");
    }

    /**
     * Where the zone of a PHP 8 file line ends (at its {@code ]}), or -1 when the line does not start
     * like one: {@code [dd-Mmm-yyyy HH:MM:SS ZONE] }, the month three letters, the zone free of
     * {@code ]} and whitespace. Read by hand rather than by a regular expression: this is every line
     * of a mail flood.
     */
    private static int datedZoneEnd(String line) {
        if (!Ascii.isAt(line, 0, '[') || !Ascii.isDigits(line, 1, 2) || !Ascii.isAt(line, 3, '-')
                || !Ascii.isCapitalizedWordOf3(line, 4) || !Ascii.isAt(line, 7, '-') || !Ascii.isDigits(line, 8, 4)
                || !Ascii.isAt(line, 12, ' ') || !Ascii.isDigits(line, 13, 2) || !Ascii.isAt(line, 15, ':')
                || !Ascii.isDigits(line, 16, 2) || !Ascii.isAt(line, 18, ':') || !Ascii.isDigits(line, 19, 2)
                || !Ascii.isAt(line, 21, ' ')) {
            return -1;
        }
        int zoneEnd = ZONE;
        while (zoneEnd < line.length() && line.charAt(zoneEnd) != ']' && !Ascii.isSpace(line.charAt(zoneEnd))) {
            zoneEnd++;
        }
        return zoneEnd > ZONE && Ascii.isAt(line, zoneEnd, ']') && Ascii.isAt(line, zoneEnd + 1, ' ') ? zoneEnd : -1;
    }

    /**
     * The time of a dated line's head, or empty when it names no real date or no known zone. Read as
     * {@code LocalDateTime.parse} reads {@code dd-MMM-yyyy HH:mm:ss} in its default (smart) mode: a
     * day past the month's end is its last day (31-Nov is 30-Nov), 24:00:00 is the next midnight,
     * the month is an English abbreviation in this case only, the year at least 1.
     */
    private static OptionalLong phpTime(String line, int zoneEnd) {
        int day = Ascii.number(line, 1, 2);
        int month = Ascii.month(line, 4);
        int year = Ascii.number(line, 8, 4);
        int hour = Ascii.number(line, 13, 2);
        int minute = Ascii.number(line, 16, 2);
        int second = Ascii.number(line, 19, 2);
        boolean endOfDay = hour == 24 && minute == 0 && second == 0;
        if (month == 0 || year < 1 || day < 1 || day > 31 || (hour > 23 && !endOfDay) || minute > 59 || second > 59) {
            return OptionalLong.empty();
        }
        LocalDate date = LocalDate.of(year, month, Math.min(day, Month.of(month).length(Year.isLeap(year))));
        LocalDateTime local = endOfDay ? date.plusDays(1).atStartOfDay() : date.atTime(hour, minute, second);
        try {
            // The instant atZone(zone).toInstant() gave: in an overlap both take the earlier offset; in
            // a gap atZone moves the time on by the gap and takes the later one, which is the same
            // instant as the time itself at the offset before the gap, the one getOffset gives.
            ZoneOffset offset = ZoneId.of(line.substring(ZONE, zoneEnd)).getRules().getOffset(local);
            return OptionalLong.of(local.toEpochSecond(offset) * 1_000);
        } catch (DateTimeException e) {
            return OptionalLong.empty(); // no such zone
        }
    }

    /** The event of the {@code mail() on [...} text that starts at {@code from} in {@code line}. */
    private static ParseResult mail(String host, String source, long ts, String line, int from) {
        if (!line.startsWith(CALL, from)) {
            return ParseResult.unparseable("dated line is not a 'mail() on [' line");
        }
        int callerStart = from + CALL.length();
        int to = line.indexOf(TO, callerStart);
        if (to < 0) {
            return ParseResult.unparseable("no ']: To: ' after 'mail() on ['");
        }
        Optional<MailCaller> caller = MailCaller.parse(line, callerStart, to);
        if (caller.isEmpty()) {
            return ParseResult.unparseable("caller '" + line.substring(callerStart, to) + "' is not FILE:LINE");
        }
        int toStart = to + TO.length();
        int headers = line.indexOf(HEADERS, toStart);
        if (headers < 0) {
            return ParseResult.unparseable("no ' -- Headers: ' after the To part");
        }
        int headersStart = headers + HEADERS.length();
        // The last " -- Subject: " is PHP's: one inside a header value must not cut off the Bcc after it.
        int subject = line.lastIndexOf(SUBJECT);
        if (subject < headersStart) {
            subject = -1;
        }
        int headersEnd = subject < 0 ? line.length() : subject;
        return ParseResult.parsed(new PhpMail(host, source, ts, Schema.VERSION,
                caller.get().script(), caller.get().line(), caller.get().origin(),
                Recipients.of(line, toStart, headers, headersStart, headersEnd),
                subject < 0 ? null : line.substring(subject + SUBJECT.length()), null, null));
    }
}
