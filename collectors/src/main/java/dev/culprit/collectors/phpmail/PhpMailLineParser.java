package dev.culprit.collectors.phpmail;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.syslog.SyslogLine;
import dev.culprit.collectors.syslog.SyslogPrefix;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern DATED = Pattern.compile("\\[(\\d\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d) ([^\\]\\s]+)\\] (.*)", Pattern.DOTALL);
    private static final DateTimeFormatter PHP_DATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ENGLISH);

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
            return mail(host, MAIL_LOG, clock.millis(), line);
        }
        Matcher dated = DATED.matcher(line);
        if (dated.matches()) {
            Optional<Long> ts = phpTime(dated.group(1), dated.group(2));
            if (ts.isEmpty()) {
                return ParseResult.unparseable("date '" + dated.group(1) + " " + dated.group(2)
                        + "' is not d-M-Y H:i:s followed by a known time zone");
            }
            return mail(host, MAIL_LOG, ts.get(), dated.group(3));
        }
        Optional<SyslogLine> syslogLine = syslog.parse(line);
        if (syslogLine.isPresent()) {
            // Matched on the message, not the ident: php.ini's syslog.ident may rename "php",
            // and PHP's other syslog lines (errors) are not mail.
            SyslogLine s = syslogLine.get();
            return s.message().startsWith(CALL) ? mail(host, SYSLOG, s.ts(), s.message()) : ParseResult.IGNORED;
        }
        return ParseResult.unparseable("neither 'mail() on [', '[date zone] mail() on [' nor a syslog line");
    }

    private static Optional<Long> phpTime(String local, String zoneName) {
        try {
            return Optional.of(LocalDateTime.parse(local, PHP_DATE).atZone(ZoneId.of(zoneName)).toInstant().toEpochMilli());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static ParseResult mail(String host, String source, long ts, String text) {
        if (!text.startsWith(CALL)) {
            return ParseResult.unparseable("dated line is not a 'mail() on [' line");
        }
        int to = text.indexOf(TO, CALL.length());
        if (to < 0) {
            return ParseResult.unparseable("no ']: To: ' after 'mail() on ['");
        }
        Optional<MailCaller> caller = MailCaller.parse(text.substring(CALL.length(), to));
        if (caller.isEmpty()) {
            return ParseResult.unparseable("caller '" + text.substring(CALL.length(), to) + "' is not FILE:LINE");
        }
        int headers = text.indexOf(HEADERS, to + TO.length());
        if (headers < 0) {
            return ParseResult.unparseable("no ' -- Headers: ' after the To part");
        }
        int headersStart = headers + HEADERS.length();
        // The last " -- Subject: " is PHP's: one inside a header value must not cut off the Bcc after it.
        int subject = text.lastIndexOf(SUBJECT);
        if (subject < headersStart) {
            subject = -1;
        }
        String headerText = subject < 0 ? text.substring(headersStart) : text.substring(headersStart, subject);
        return ParseResult.parsed(new PhpMail(host, source, ts, Schema.VERSION,
                caller.get().script(), caller.get().line(), caller.get().origin(),
                Recipients.of(text.substring(to + TO.length(), headers), headerText),
                subject < 0 ? null : text.substring(subject + SUBJECT.length()), null, null));
    }
}
