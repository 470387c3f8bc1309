package dev.culprit.collectors.phpmail;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.syslog.RegexSyslogPrefix;
import dev.culprit.collectors.syslog.SyslogLine;
import dev.culprit.events.PhpMail;
import dev.culprit.events.PhpMail.Origin;
import dev.culprit.events.Schema;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The regular-expression {@link PhpMailLineParser} that the hand-written one replaced (issue 14),
 * with its {@code Recipients} and {@code MailCaller}, kept unchanged as the reference the
 * hand-written one must agree with on every line (see HandParsedLinesTest).
 *
 * <p>PHP's {@code mail.log}: one line per {@code mail()} call,
 * {@code mail() on [FILE:LINE]: To: TO -- Headers: HEADERS -- Subject: SUBJECT}, in a file
 * behind {@code [d-M-Y H:i:s e]} (PHP 8), in a file with no date (older PHP) or in syslog
 * with {@code mail.log = syslog}. Older PHP also leaves out the Subject part.
 */
final class RegexPhpMailLineParser implements LineParser {

    private static final String MAIL_LOG = PhpMailLineParser.MAIL_LOG;
    private static final String SYSLOG = PhpMailLineParser.SYSLOG;

    private static final String CALL = "mail() on [";
    private static final String TO = "]: To: ";
    private static final String HEADERS = " -- Headers: ";
    private static final String SUBJECT = " -- Subject: ";
    private static final Pattern DATED = Pattern.compile("\\[(\\d\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d) ([^\\]\\s]+)\\] (.*)", Pattern.DOTALL);
    private static final DateTimeFormatter PHP_DATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ENGLISH);

    private final Clock clock;
    private final RegexSyslogPrefix syslog;

    /**
     * @param zone the zone rsyslog writes traditional (local) times in; file lines name their own
     * @param clock gives the year traditional syslog lines leave out, and the time of file lines
     *     that carry none
     */
    RegexPhpMailLineParser(ZoneId zone, Clock clock) {
        this.clock = clock;
        this.syslog = new RegexSyslogPrefix(zone, clock);
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

    private static final class Recipients {

        private static final Pattern HEADER_NAME = Pattern.compile("(?:^|\\s)([A-Za-z0-9-]+):");
        private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc");

        /** Header names that end a recipient header; any other {@code name:} inside one is a group's name. */
        private static final Set<String> OTHER_HEADERS = Set.of("from", "sender", "reply-to", "return-path", "errors-to",
                "subject", "date", "message-id", "in-reply-to", "references", "mime-version", "organization",
                "importance", "priority", "comments", "keywords", "user-agent", "precedence");

        private Recipients() {}

        /** Lower-cased, each once, in the order they appear. */
        static List<String> of(String to, String headers) {
            Set<String> found = new LinkedHashSet<>();
            addresses(to, found);
            List<int[]> starts = new ArrayList<>(); // [name start, value start] of each header
            Matcher name = HEADER_NAME.matcher(headers);
            boolean inRecipients = false;
            while (name.find()) {
                String header = name.group(1).toLowerCase(Locale.ROOT);
                boolean recipient = RECIPIENT_HEADERS.contains(header);
                if (inRecipients && !recipient && !isHeaderName(header)) {
                    continue; // a group's display name inside the recipient header
                }
                starts.add(new int[] {name.start(1), name.end()});
                inRecipients = recipient;
            }
            for (int n = 0; n < starts.size(); n++) {
                int[] at = starts.get(n);
                String header = headers.substring(at[0], at[1] - 1).toLowerCase(Locale.ROOT);
                String value = headers.substring(at[1], n + 1 < starts.size() ? starts.get(n + 1)[0] : headers.length());
                if (RECIPIENT_HEADERS.contains(header) || (n > 0 && endsAGroup(value) && recipientHeaderBefore(headers, starts, n))) {
                    addresses(value, found);
                }
            }
            return List.copyOf(found);
        }

        private static boolean isHeaderName(String header) {
            return OTHER_HEADERS.contains(header) || header.startsWith("x-") || header.startsWith("content-")
                    || header.startsWith("list-") || header.startsWith("resent-");
        }

        private static boolean endsAGroup(String value) {
            return value.strip().endsWith(";") && value.indexOf('@') > 0;
        }

        private static boolean recipientHeaderBefore(String headers, List<int[]> starts, int n) {
            int[] before = starts.get(n - 1);
            return RECIPIENT_HEADERS.contains(headers.substring(before[0], before[1] - 1).toLowerCase(Locale.ROOT));
        }

        /**
         * Addresses in a list like {@code Support <s@example.org>, a@example.com}: the part in
         * angle brackets where there is one, else every word with an {@code @}. The latter also
         * catches the address in {@code list@example.com Bcc: x@example.net}, a To argument with a
         * newline injected into it, which the MTA may well deliver to.
         */
        private static void addresses(String list, Set<String> found) {
            for (String part : list.split("[,;]")) {
                int open = part.indexOf('<');
                int close = part.indexOf('>', open + 1);
                if (open >= 0 && close > open && part.substring(open + 1, close).contains("@")) {
                    found.add(part.substring(open + 1, close).trim().toLowerCase(Locale.ROOT));
                    continue;
                }
                for (String word : part.trim().split("\\s+")) {
                    if (word.indexOf('@') > 0) {
                        found.add(word.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
    }

    private record MailCaller(String script, int line, Origin origin) {

        private static final String EVAL = ") : eval()'d code";
        // What PHP calls code that has no file: php -r, php < file, php -a.
        private static final Set<String> NO_FILE = Set.of("Command line code", "Standard input code", "php shell code");

        /** The caller, or empty when {@code location} is not {@code FILE:LINE} in one of PHP's forms. */
        static Optional<MailCaller> parse(String location) {
            int eval = location.indexOf(EVAL);
            if (eval >= 0) {
                // The first marker is the outermost eval; its "(N)" is the line in the real file.
                int open = location.lastIndexOf('(', eval);
                if (open <= 0) {
                    return Optional.empty();
                }
                Optional<Integer> line = number(location.substring(open + 1, eval));
                if (line.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new MailCaller(location.substring(0, open), line.get(), Origin.EVAL));
            }
            int colon = location.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String script = location.substring(0, colon);
            return number(location.substring(colon + 1))
                    .map(line -> new MailCaller(script, line, NO_FILE.contains(script) ? Origin.COMMAND_LINE : Origin.FILE));
        }

        private static Optional<Integer> number(String digits) {
            return digits.matches("\\d{1,9}") ? Optional.of(Integer.valueOf(digits)) : Optional.empty();
        }
    }
}
