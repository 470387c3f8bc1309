package dev.culprit.collectors.access;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An Apache {@code LogFormat} compiled into a reader of the lines it writes. The format is given
 * as it stands between the quotes of a {@code LogFormat} or {@code CustomLog} line in the
 * configuration ({@code \"} for a quote), so it can be copied from {@code apache2.conf}.
 *
 * <p>A line is split from left to right: each directive's value runs to the literal text that
 * follows it in the format, except between quotes, where it runs to the first quote Apache did
 * not escape ({@code %r}, {@code %u} and headers have {@code "} written as {@code \"}). No
 * regular expression, so no backtracking on hostile lines: reading is linear in the line.
 */
public final class AccessLogFormat {

    /** Debian's and Apache's {@code combined}. */
    public static final String COMBINED = "%h %l %u %t \\\"%r\\\" %>s %O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\"";
    /** Apache's {@code common} (Debian's apache2.conf redefines it with {@code %O} instead of {@code %b}). */
    public static final String COMMON = "%h %l %u %t \\\"%r\\\" %>s %b";
    /** Debian's {@code vhost_combined}, for {@code other_vhosts_access.log}. */
    public static final String VHOST_COMBINED = "%v:%p " + COMBINED;

    /** What Apache's request limits let a line reach: an 8190-byte request line and headers, escaped up to 4 times over. */
    static final int MAX_LINE = 128 * 1024;
    static final int MAX_VHOST = 255;
    static final int MAX_PATH = 2048;

    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    /** The length of the {@code " HTTP/d.d"} that ends a request line. */
    private static final int PROTOCOL_LENGTH = 9;

    /** What a directive's value means to us; {@link #SKIPPED} ones are read past and not kept. */
    private enum Role {
        CLIENT_ADDRESS, CLIENT_HOST, VHOST, CLF_TIME, EPOCH_SEC, EPOCH_MSEC, EPOCH_USEC,
        REQUEST, METHOD, URL_PATH, FINAL_STATUS, STATUS, BYTES_SENT, BODY_BYTES, BODY_BYTES_CLF, SKIPPED
    }

    private sealed interface Token {}

    private record Literal(String text) implements Token {}

    private record Field(Role role, String directive, int column) implements Token {}

    /** A line read with this format: the request it records, or why it records none. */
    public sealed interface Reading {}

    public record Request(AccessLogLine line) implements Reading {}

    public record Unreadable(String reason) implements Reading {}

    private final String format;
    private final List<Token> tokens;
    private final int client;
    private final int time;
    private final int status;
    private final int bytes;
    private final int vhost;
    private final int request;
    private final int method;
    private final int urlPath;

    private AccessLogFormat(String format, List<Token> tokens) {
        this.format = format;
        this.tokens = tokens;
        this.client = first(Role.CLIENT_ADDRESS, Role.CLIENT_HOST);
        this.time = first(Role.CLF_TIME, Role.EPOCH_SEC, Role.EPOCH_MSEC, Role.EPOCH_USEC);
        this.status = first(Role.FINAL_STATUS, Role.STATUS);
        this.bytes = first(Role.BYTES_SENT, Role.BODY_BYTES, Role.BODY_BYTES_CLF);
        this.vhost = first(Role.VHOST);
        this.request = first(Role.REQUEST);
        this.method = first(Role.METHOD);
        this.urlPath = first(Role.URL_PATH);
        require(client, "%h or %a", "who made the request");
        require(time, "%t or %{sec|msec|usec}t", "when");
        require(status, "%>s or %s", "the status");
    }

    /**
     * @throws IllegalArgumentException naming the directive and its character position when the
     *     format holds one this reader does not know, or when the lines it writes cannot be read
     *     back (two directives with nothing between them, no client, time or status)
     */
    public static AccessLogFormat compile(String format) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == '\\' && i + 1 < format.length()) {
                char next = format.charAt(i + 1);
                switch (next) {
                    case '"', '\\' -> literal.append(next);
                    case 't' -> literal.append('\t');
                    case 'n', 'r' -> throw new IllegalArgumentException(
                            "LogFormat '" + format + "': '\\" + next + "' at character " + (i + 1)
                                    + " splits a request over two lines, which cannot be read line by line");
                    default -> literal.append(c).append(next);
                }
                i += 2;
            } else if (c == '%' && i + 1 < format.length() && format.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
            } else if (c == '%') {
                int end = directiveEnd(format, i);
                if (!literal.isEmpty()) {
                    tokens.add(new Literal(literal.toString()));
                    literal.setLength(0);
                } else if (!tokens.isEmpty() && tokens.get(tokens.size() - 1) instanceof Field previous
                        && previous.role() == Role.URL_PATH && format.startsWith("%q", i)) {
                    // The common "%U%q": the query joins the path, as it does in the path of %r.
                    i = end;
                    continue;
                } else if (!tokens.isEmpty() && tokens.get(tokens.size() - 1) instanceof Field previous) {
                    throw new IllegalArgumentException("LogFormat '" + format + "': " + previous.directive()
                            + " and " + format.substring(i, end) + " at characters " + previous.column() + " and " + (i + 1)
                            + " have nothing between them, so their values cannot be told apart");
                }
                tokens.add(field(format, i, end));
                i = end;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (!literal.isEmpty()) {
            tokens.add(new Literal(literal.toString()));
        }
        return new AccessLogFormat(format, List.copyOf(tokens));
    }

    /** The index after a directive starting at {@code start}: {@code %}, modifiers, an optional {@code {...}}, a letter. */
    private static int directiveEnd(String format, int start) {
        int j = start + 1;
        while (j < format.length() && "<>!,0123456789".indexOf(format.charAt(j)) >= 0) {
            j++;
        }
        if (j < format.length() && format.charAt(j) == '{') {
            int close = format.indexOf('}', j);
            if (close < 0) {
                throw new IllegalArgumentException("LogFormat '" + format + "': '{' at character " + (j + 1) + " is never closed");
            }
            j = close + 1;
        }
        if (j >= format.length()) {
            throw new IllegalArgumentException("LogFormat '" + format + "': ends inside the directive at character " + (start + 1));
        }
        return j + 1;
    }

    private static Field field(String format, int start, int end) {
        String directive = format.substring(start, end);
        char letter = format.charAt(end - 1);
        int brace = directive.indexOf('{');
        String argument = brace < 0 ? null : directive.substring(brace + 1, directive.length() - 2);
        boolean finalStatus = directive.indexOf('>') >= 0 && directive.indexOf('>') < (brace < 0 ? directive.length() : brace);
        Role role = switch (letter) {
            case 'a' -> Role.CLIENT_ADDRESS; // %{c}a, the peer's address, is an address too
            case 'h' -> Role.CLIENT_HOST;
            case 'v' -> Role.VHOST;
            case 't' -> timeRole(argument);
            case 'r' -> Role.REQUEST;
            case 'm' -> Role.METHOD;
            case 'U' -> Role.URL_PATH;
            case 's' -> finalStatus ? Role.FINAL_STATUS : Role.STATUS;
            case 'O' -> Role.BYTES_SENT;
            case 'B' -> Role.BODY_BYTES;
            case 'b' -> Role.BODY_BYTES_CLF;
            case 'A', 'l', 'u', 'D', 'T', 'p', 'P', 'q', 'H', 'X', 'k', 'I', 'S', 'V', 'f', 'L', 'R' -> Role.SKIPPED;
            case 'i', 'o', 'e', 'n', 'C' -> {
                if (argument == null) {
                    throw unknown(format, directive, start, "needs a {name}");
                }
                yield Role.SKIPPED;
            }
            default -> throw unknown(format, directive, start, "is not a mod_log_config directive this reader knows");
        };
        return new Field(role, directive, start + 1);
    }

    /** {@code %{sec}t} and its kin are epoch numbers; strftime forms are read past, as any other text. */
    private static Role timeRole(String argument) {
        if (argument == null) {
            return Role.CLF_TIME;
        }
        String unit = argument.startsWith("begin:") ? argument.substring(6) : argument.startsWith("end:") ? argument.substring(4) : argument;
        return switch (unit) {
            case "sec" -> Role.EPOCH_SEC;
            case "msec" -> Role.EPOCH_MSEC;
            case "usec" -> Role.EPOCH_USEC;
            default -> Role.SKIPPED;
        };
    }

    private static IllegalArgumentException unknown(String format, String directive, int start, String why) {
        return new IllegalArgumentException("LogFormat '" + format + "': " + directive + " at character " + (start + 1) + " " + why);
    }

    private int first(Role... roles) {
        for (Role role : roles) {
            for (int i = 0; i < tokens.size(); i++) {
                if (tokens.get(i) instanceof Field f && f.role() == role) {
                    return i;
                }
            }
        }
        return -1;
    }

    private void require(int index, String directives, String what) {
        if (index < 0) {
            throw new IllegalArgumentException("LogFormat '" + format + "' has no " + directives + ": its lines would not say " + what);
        }
    }

    /** Never throws: a line this format did not write is {@link Unreadable}, with the reason. */
    public Reading read(String line) {
        if (line.length() > MAX_LINE) {
            return new Unreadable("line of " + line.length() + " characters is longer than Apache writes (at most " + MAX_LINE + ")");
        }
        // Only where each value lies is noted: a value is copied out of the line only when it is kept,
        // so a long User-Agent or Referer costs one scan, not a copy.
        int[] bounds = new int[2 * tokens.size()];
        int pos = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token instanceof Literal literal) {
                if (!line.startsWith(literal.text(), pos)) {
                    return new Unreadable("expected '" + LoggedText.clean(literal.text(), 20) + "' at character " + (pos + 1));
                }
                pos += literal.text().length();
                continue;
            }
            Field field = (Field) token;
            int end = valueEnd(line, pos, i, field);
            if (end < 0) {
                return new Unreadable("the value of " + field.directive() + " starting at character " + (pos + 1) + " does not end"
                        + (i + 1 < tokens.size() ? " with '" + LoggedText.clean(((Literal) tokens.get(i + 1)).text(), 20) + "'" : ""));
            }
            bounds[2 * i] = pos;
            bounds[2 * i + 1] = end;
            pos = end;
        }
        if (pos != line.length()) {
            return new Unreadable("text after the last field, at character " + (pos + 1));
        }
        return request(new Values(line, bounds));
    }

    private int valueEnd(String line, int pos, int index, Field field) {
        if (field.role() == Role.CLF_TIME) {
            int close = line.startsWith("[", pos) ? line.indexOf(']', pos) : -1;
            return close < 0 ? -1 : close + 1;
        }
        if (index + 1 == tokens.size()) {
            return line.length();
        }
        String next = ((Literal) tokens.get(index + 1)).text();
        boolean quoted = index > 0 && ((Literal) tokens.get(index - 1)).text().endsWith("\"") && next.startsWith("\"");
        if (!quoted) {
            return line.indexOf(next, pos);
        }
        for (int j = pos; j < line.length(); j++) {
            char c = line.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return line.startsWith(next, j) ? j : -1;
            }
        }
        return -1;
    }

    /** A line split by this format: token {@code i}'s value runs from {@code bounds[2i]} to {@code bounds[2i + 1]}. */
    private record Values(String line, int[] bounds) {

        int start(int token) {
            return bounds[2 * token];
        }

        int end(int token) {
            return bounds[2 * token + 1];
        }

        String text(int token) {
            return line.substring(start(token), end(token));
        }
    }

    private Reading request(Values values) {
        String line = values.line();
        String clientText = values.text(client);
        var clientName = ClientName.parse(clientText);
        if (clientName.isEmpty()) {
            return new Unreadable("client '" + LoggedText.clean(clientText, 64) + "' is neither an IP address nor a host name");
        }
        long ts = time(role(time), line, values.start(time), values.end(time));
        if (ts == Long.MIN_VALUE) {
            return new Unreadable("time '" + LoggedText.clean(values.text(time), 64) + "' is not " + (role(time) == Role.CLF_TIME
                    ? "[dd/Mon/yyyy:HH:mm:ss +hhmm]" : "a count of " + role(time).name().substring(6).toLowerCase(Locale.ROOT)));
        }
        int statusCode = status(line, values.start(status), values.end(status));
        if (statusCode < 0) {
            return new Unreadable("status '" + LoggedText.clean(values.text(status), 64) + "' is not an HTTP status from 100 to 599");
        }
        long byteCount = 0;
        if (bytes >= 0 && !isDash(line, values.start(bytes), values.end(bytes))) {
            byteCount = number(line, values.start(bytes), values.end(bytes), 18);
            if (byteCount < 0) {
                return new Unreadable("bytes '" + LoggedText.clean(values.text(bytes), 64) + "' is neither a count nor '-'");
            }
        }
        String methodText = null;
        String pathText = null;
        if (request >= 0) {
            // "GET /path HTTP/1.1"; a timed-out connection's "-" has no space, so no method and no path
            int from = values.start(request);
            int to = values.end(request);
            int space = indexOf(line, ' ', from, to);
            if (space >= 0 && isMethod(line, from, space)) {
                methodText = line.substring(from, space);
                pathText = requestTarget(line, space + 1, to);
            }
        } else if (method >= 0 && isMethod(line, values.start(method), values.end(method))) {
            methodText = values.text(method);
            pathText = urlPath < 0 ? null : values.text(urlPath);
        }
        return new Request(new AccessLogLine(
                clientName.get().text(), clientName.get().hostname(),
                vhost < 0 ? null : LoggedText.clean(values.text(vhost), MAX_VHOST),
                ts,
                methodText,
                pathText == null ? null : LoggedText.clean(pathText, MAX_PATH),
                statusCode,
                byteCount));
    }

    private Role role(int index) {
        return ((Field) tokens.get(index)).role();
    }

    private static int indexOf(String s, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** An HTTP token (RFC 9110's {@code tchar}s) of at most 32 characters: a method, known or not. */
    private static boolean isMethod(String s, int from, int to) {
        if (to - from < 1 || to - from > 32) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !isDigit(c) && "!#$%&'*+.^_`|~-".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The request line's target: what follows the method, less a final protocol ({@link #protocolStart}). */
    private static String requestTarget(String s, int from, int to) {
        int protocol = protocolStart(s, from, to);
        if (protocol < 0) {
            return s.substring(from, to);
        }
        String target = s.substring(from, protocol);
        // what follows the protocol can only be the final line terminator it was matched before
        return protocol + PROTOCOL_LENGTH == to ? target : target + s.substring(protocol + PROTOCOL_LENGTH, to);
    }

    /**
     * Where {@code " HTTP/d.d"} ends the text from {@code from} to {@code to}, or -1. The end is
     * where a regular expression's {@code $} would see it, as the target has always been read:
     * the very end, or before one final line terminator ({@code \r\n}, {@code \n}, {@code \r},
     * U+0085, U+2028, U+2029), the leftmost of these that fits.
     */
    private static int protocolStart(String s, int from, int to) {
        int length = to - from;
        if (length >= PROTOCOL_LENGTH + 2 && s.charAt(to - 2) == '\r' && s.charAt(to - 1) == '\n'
                && isProtocol(s, to - PROTOCOL_LENGTH - 2)) {
            return to - PROTOCOL_LENGTH - 2;
        }
        // a lone '\n' here is never the second half of "\r\n": a digit of the protocol precedes it
        if (length >= PROTOCOL_LENGTH + 1 && isLineTerminator(s.charAt(to - 1)) && isProtocol(s, to - PROTOCOL_LENGTH - 1)) {
            return to - PROTOCOL_LENGTH - 1;
        }
        if (length >= PROTOCOL_LENGTH && isProtocol(s, to - PROTOCOL_LENGTH)) {
            return to - PROTOCOL_LENGTH;
        }
        return -1;
    }

    private static boolean isProtocol(String s, int at) {
        return s.startsWith(" HTTP/", at) && isDigit(s.charAt(at + 6)) && s.charAt(at + 7) == '.' && isDigit(s.charAt(at + 8));
    }

    private static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    /** An HTTP status from 100 to 599, or -1. */
    private static int status(String s, int from, int to) {
        if (to - from != 3 || s.charAt(from) < '1' || s.charAt(from) > '5') {
            return -1;
        }
        return (int) number(s, from, to, 3);
    }

    private static boolean isDash(String s, int from, int to) {
        return to - from == 1 && s.charAt(from) == '-';
    }

    /** Epoch millis, or {@code Long.MIN_VALUE} when the value is not a time of that kind. */
    private static long time(Role role, String s, int from, int to) {
        if (role != Role.CLF_TIME) {
            // 12 digits of seconds reach the year 33658; more would overflow as millis
            long n = number(s, from, to, role == Role.EPOCH_SEC ? 12 : 16);
            if (n < 0) {
                return Long.MIN_VALUE;
            }
            return switch (role) {
                case EPOCH_SEC -> n * 1000;
                case EPOCH_USEC -> n / 1000;
                default -> n;
            };
        }
        // [02/Dec/2026:03:49:43 +0100]
        if (to - from != 28 || s.charAt(from + 3) != '/' || s.charAt(from + 7) != '/' || s.charAt(from + 12) != ':'
                || s.charAt(from + 15) != ':' || s.charAt(from + 18) != ':' || s.charAt(from + 21) != ' ') {
            return Long.MIN_VALUE;
        }
        int month = month(s, from + 4);
        char sign = s.charAt(from + 22);
        int day = (int) number(s, from + 1, from + 3, 2);
        int year = (int) number(s, from + 8, from + 12, 4);
        int hour = (int) number(s, from + 13, from + 15, 2);
        int minute = (int) number(s, from + 16, from + 18, 2);
        int second = (int) number(s, from + 19, from + 21, 2);
        int offsetHours = (int) number(s, from + 23, from + 25, 2);
        int offsetMinutes = (int) number(s, from + 25, from + 27, 2);
        if (month == 0 || (sign != '+' && sign != '-')
                || day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || offsetHours < 0 || offsetMinutes < 0) {
            return Long.MIN_VALUE;
        }
        try {
            int offsetTotal = offsetHours * 60 + offsetMinutes;
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((sign == '-' ? -offsetTotal : offsetTotal) * 60);
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(offset).toEpochMilli();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** 1 to 12 for the English month abbreviation at {@code at}; 0 for any other text. */
    private static int month(String s, int at) {
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(at, MONTHS, m * 3, 3)) {
                return m + 1;
            }
        }
        return 0;
    }

    /** The ASCII digits from {@code from} to {@code to} as a number; -1 when none, more than {@code maxDigits} (at most 18) or not all digits. */
    private static long number(String s, int from, int to, int maxDigits) {
        if (to - from < 1 || to - from > maxDigits) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    @Override
    public String toString() {
        return format;
    }
}
