package dev.culprit.collectors.evasive;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.syslog.RegexSyslogPrefix;
import dev.culprit.collectors.syslog.SyslogLine;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.EvasiveEvent.Kind;
import dev.culprit.events.Schema;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link EvasiveLineParser} whose syslog messages (and prefix) regular expressions read before
 * issue 14, kept unchanged as the reference the hand-written one must agree with on every line
 * (see EvasiveRegexParityTest).
 *
 * <p>mod_evasive's two voices: the Apache error log, where every blocked request leaves a
 * {@code [evasive20:error] ... client denied by server configuration: <file>} line, and syslog
 * (ident {@code mod_evasive}), where it says once per address that it blacklists it, or, when
 * it cannot write its DOSLogDir, that it could not open the {@code dos-<IP>} file. One parser
 * serves both files, so a collector may feed either (or a syslog that Apache also writes to).
 */
final class RegexEvasiveLineParser implements LineParser {

    private static final String ERROR_LOG = EvasiveLineParser.ERROR_LOG;
    private static final String SYSLOG = EvasiveLineParser.SYSLOG;

    private static final String IDENT = "mod_evasive";
    private static final Pattern DENIAL =
            Pattern.compile("\\[client (\\[[^\\]\\s]*\\]:\\d+|[^\\]\\s]+)\\] client denied by server configuration: (.*)", Pattern.DOTALL);
    private static final String REFERER = ", referer: ";
    private static final Pattern BLACKLISTING = Pattern.compile("Blacklisting address (\\S+): possible DoS attack\\.");
    // strerror() text has no colon, so the last ": " ends the file name.
    private static final Pattern CANNOT_OPEN = Pattern.compile("Couldn't open logfile (.+/)([^/]*): ([^:]+)", Pattern.DOTALL);
    private static final String DOS_FILE = "dos-";

    private final ZoneId zone;
    private final RegexSyslogPrefix syslog;

    /**
     * @param zone the zone Apache and rsyslog write their local times in (neither says which)
     * @param clock gives the year that traditional syslog lines leave out
     */
    RegexEvasiveLineParser(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.syslog = new RegexSyslogPrefix(zone, clock);
    }

    @Override
    public ParseResult parse(String host, String line) {
        if (line.startsWith("[")) {
            return errorLogLine(host, line);
        }
        Optional<SyslogLine> syslogLine = syslog.parse(line);
        if (syslogLine.isPresent()) {
            return syslogLine(host, syslogLine.get());
        }
        return line.contains(IDENT)
                ? ParseResult.unparseable("mentions " + IDENT + " but is neither a syslog nor an Apache error-log line")
                : ParseResult.IGNORED;
    }

    private ParseResult errorLogLine(String host, String line) {
        Optional<ErrorLogLine> head = ErrorLogLine.parse(line, zone);
        if (head.isEmpty()) {
            return line.contains("[evasive")
                    ? ParseResult.unparseable("evasive error-log line without a readable '[time] [module:level]' head")
                    : ParseResult.IGNORED;
        }
        // authz_core writes the same words (AH01630) for Require denials; only evasive's count here.
        if (!head.get().module().startsWith("evasive")) {
            return ParseResult.IGNORED;
        }
        Matcher denial = DENIAL.matcher(head.get().message());
        if (!denial.find()) {
            return ParseResult.unparseable(
                    "evasive error-log line without '[client ADDRESS:PORT] client denied by server configuration: FILE'");
        }
        Optional<String> client = IpLiteral.withoutPort(denial.group(1));
        if (client.isEmpty()) {
            return ParseResult.unparseable("client '" + denial.group(1) + "' is not an IP address with a port");
        }
        String path = denial.group(2);
        int referer = path.indexOf(REFERER);
        if (referer >= 0) {
            path = path.substring(0, referer);
        }
        if (path.isEmpty()) {
            return ParseResult.unparseable("denial names no file");
        }
        return ParseResult.parsed(new EvasiveEvent(host, ERROR_LOG, head.get().ts(), Schema.VERSION,
                Kind.DENIED, client.get(), path, 1, null, null, null));
    }

    /**
     * The event's host is the collector's, not the syslog line's: that is the name the error
     * log's denials carry too, and the jobs join on it.
     */
    private ParseResult syslogLine(String host, SyslogLine line) {
        if (!line.tag().equals(IDENT)) {
            return ParseResult.IGNORED;
        }
        String pid = line.pid() == null ? null : "child pid " + line.pid();
        Matcher blacklisting = BLACKLISTING.matcher(line.message());
        if (blacklisting.matches()) {
            String client = blacklisting.group(1);
            if (!IpLiteral.isAddress(client)) {
                return ParseResult.unparseable("blacklisted address '" + client + "' is not an IP address");
            }
            return ParseResult.parsed(new EvasiveEvent(host, SYSLOG, line.ts(), Schema.VERSION,
                    Kind.BLACKLISTED, client, null, 1, pid, null, null));
        }
        Matcher cannotOpen = CANNOT_OPEN.matcher(line.message());
        if (cannotOpen.matches()) {
            return ParseResult.parsed(misconfigured(host, line.ts(), cannotOpen.group(1), cannotOpen.group(2), cannotOpen.group(3)));
        }
        return ParseResult.unparseable("mod_evasive syslog message is neither 'Blacklisting address' nor 'Couldn't open logfile'");
    }

    /**
     * With DOSLogDir not writable every blocked request logs this, each time with the blocked
     * address in the file name. The detail names the address as {@code <IP>} so that lines
     * about the same directory and reason read, and aggregate, as one problem.
     */
    private static EvasiveEvent misconfigured(String host, long ts, String dir, String file, String reason) {
        String address = file.startsWith(DOS_FILE) ? file.substring(DOS_FILE.length()) : "";
        boolean named = IpLiteral.isAddress(address);
        String detail = "Couldn't open logfile " + dir + (named ? DOS_FILE + "<IP>" : file) + ": " + reason;
        return new EvasiveEvent(host, SYSLOG, ts, Schema.VERSION, Kind.MISCONFIGURED, named ? address : null, null, 1, detail, null, null);
    }
}
