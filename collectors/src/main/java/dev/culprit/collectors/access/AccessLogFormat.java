package dev.culprit.collectors.access;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

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

    private static final Pattern METHOD = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}");
    private static final Pattern PROTOCOL = Pattern.compile(" HTTP/\\d\\.\\d$");
    private static final Pattern COUNT = Pattern.compile("\\d{1,18}");
    private static final Pattern STATUS = Pattern.compile("[1-5]\\d\\d");
    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("Jan", 1), Map.entry("Feb", 2), Map.entry("Mar", 3), Map.entry("Apr", 4),
            Map.entry("May", 5), Map.entry("Jun", 6), Map.entry("Jul", 7), Map.entry("Aug", 8),
            Map.entry("Sep", 9), Map.entry("Oct", 10), Map.entry("Nov", 11), Map.entry("Dec", 12));

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
        String[] values = new String[tokens.size()];
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
            values[i] = line.substring(pos, end);
            pos = end;
        }
        if (pos != line.length()) {
            return new Unreadable("text after the last field, at character " + (pos + 1));
        }
        return request(values);
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

    private Reading request(String[] values) {
        String clientText = values[client];
        var clientName = ClientName.parse(clientText);
        if (clientName.isEmpty()) {
            return new Unreadable("client '" + LoggedText.clean(clientText, 64) + "' is neither an IP address nor a host name");
        }
        String timeText = values[time];
        long ts = time(role(time), timeText);
        if (ts == Long.MIN_VALUE) {
            return new Unreadable("time '" + LoggedText.clean(timeText, 64) + "' is not " + (role(time) == Role.CLF_TIME
                    ? "[dd/Mon/yyyy:HH:mm:ss +hhmm]" : "a count of " + role(time).name().substring(6).toLowerCase(Locale.ROOT)));
        }
        String statusText = values[status];
        if (!STATUS.matcher(statusText).matches()) {
            return new Unreadable("status '" + LoggedText.clean(statusText, 64) + "' is not an HTTP status from 100 to 599");
        }
        long byteCount = 0;
        if (bytes >= 0 && !values[bytes].equals("-")) {
            if (!COUNT.matcher(values[bytes]).matches()) {
                return new Unreadable("bytes '" + LoggedText.clean(values[bytes], 64) + "' is neither a count nor '-'");
            }
            byteCount = Long.parseLong(values[bytes]);
        }
        String methodText = method < 0 ? null : values[method];
        String pathText = urlPath < 0 ? null : values[urlPath];
        if (request >= 0) {
            String line = values[request];
            int space = line.indexOf(' ');
            methodText = space < 0 ? null : line.substring(0, space);
            pathText = space < 0 ? null : PROTOCOL.matcher(line.substring(space + 1)).replaceFirst("");
        }
        boolean knownMethod = methodText != null && METHOD.matcher(methodText).matches();
        return new Request(new AccessLogLine(
                clientName.get().text(), clientName.get().hostname(),
                vhost < 0 ? null : LoggedText.clean(values[vhost], MAX_VHOST),
                ts,
                knownMethod ? methodText : null,
                knownMethod && pathText != null ? LoggedText.clean(pathText, MAX_PATH) : null,
                Integer.parseInt(statusText),
                byteCount));
    }

    private Role role(int index) {
        return ((Field) tokens.get(index)).role();
    }

    /** Epoch millis, or {@code Long.MIN_VALUE} when the text is not a time of that kind. */
    private static long time(Role role, String text) {
        if (role != Role.CLF_TIME) {
            // 12 digits of seconds reach the year 33658; more would overflow as millis
            if (!COUNT.matcher(text).matches() || text.length() > (role == Role.EPOCH_SEC ? 12 : 16)) {
                return Long.MIN_VALUE;
            }
            long n = Long.parseLong(text);
            return switch (role) {
                case EPOCH_SEC -> n * 1000;
                case EPOCH_USEC -> n / 1000;
                default -> n;
            };
        }
        // [02/Dec/2026:03:49:43 +0100]
        if (text.length() != 28 || text.charAt(3) != '/' || text.charAt(7) != '/' || text.charAt(12) != ':'
                || text.charAt(15) != ':' || text.charAt(18) != ':' || text.charAt(21) != ' ') {
            return Long.MIN_VALUE;
        }
        Integer month = MONTHS.get(text.substring(4, 7));
        char sign = text.charAt(22);
        String digits = text.substring(1, 3) + text.substring(8, 12) + text.substring(13, 15) + text.substring(16, 18)
                + text.substring(19, 21) + text.substring(23, 27);
        if (month == null || (sign != '+' && sign != '-') || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.MIN_VALUE;
        }
        try {
            int offsetMinutes = Integer.parseInt(text.substring(23, 25)) * 60 + Integer.parseInt(text.substring(25, 27));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((sign == '-' ? -offsetMinutes : offsetMinutes) * 60);
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(text.substring(8, 12)), month,
                    Integer.parseInt(text.substring(1, 3)), Integer.parseInt(text.substring(13, 15)),
                    Integer.parseInt(text.substring(16, 18)), Integer.parseInt(text.substring(19, 21)));
            return local.toInstant(offset).toEpochMilli();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public String toString() {
        return format;
    }
}
