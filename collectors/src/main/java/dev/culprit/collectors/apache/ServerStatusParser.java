package dev.culprit.collectors.apache;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses mod_status's machine-readable page ({@code ?auto}): {@code Key: value} lines, after
 * Apache 2.4's bare server-name line. Pure; the only exception it throws is
 * {@link StatusFormatException}.
 *
 * <p>Rules, from what real servers print:
 * <ul>
 *   <li>Keys we do not use are ignored, so new Apache versions and extra modules do not break us.
 *   <li>A key printed twice keeps its first value: older builds with an async MPM print
 *       {@code BusyWorkers}/{@code IdleWorkers} twice (2.4.71's event MPM, captured here, does not).
 *   <li>Everything after the {@code Scoreboard:} line belongs to other modules' status hooks
 *       (mod_ssl's {@code TLSSessionCacheStatus} block, for one) and is not read.
 *   <li>Before it, a line that is not {@code Key: value} means this is not a status page at all
 *       (a login form, a proxy's error page) and is reported with its line number.
 * </ul>
 */
public final class ServerStatusParser {

    private static final Pattern FIELD = Pattern.compile("([A-Za-z][A-Za-z0-9 ]*):[ \\t]*(.*)");
    private static final String SCOREBOARD = "Scoreboard";

    private ServerStatusParser() {}

    public static AutoStatus parse(String autoText) {
        String[] lines = autoText.split("\r?\n", -1);
        String serverName = null;
        Map<String, Field> fields = new HashMap<>();
        for (int i = 0; i < lines.length && !fields.containsKey(SCOREBOARD); i++) {
            String line = lines[i];
            int number = i + 1;
            Matcher field = FIELD.matcher(line);
            if (field.matches()) {
                fields.putIfAbsent(field.group(1), new Field(number, field.group(1), field.group(2).trim()));
            } else if (number == 1 && !line.isBlank()) {
                serverName = line.trim();
            } else if (!line.isBlank()) {
                throw new StatusFormatException("line " + number + ": expected 'Key: value', got '" + shorten(line) + "'");
            }
        }
        Field scoreboard = required(fields, SCOREBOARD);
        Scoreboard counted;
        try {
            counted = Scoreboard.count(scoreboard.value());
        } catch (StatusFormatException e) {
            throw new StatusFormatException("line " + scoreboard.line() + ": " + e.getMessage());
        }
        Long uptime = counter(fields.get("ServerUptimeSeconds"));
        return new AutoStatus(
                serverName,
                fields.containsKey("RestartTime") ? fields.get("RestartTime").value() : null,
                uptime != null ? uptime : counter(fields.get("Uptime")),
                counter(fields.get("Total Accesses")),
                counter(fields.get("Total kBytes")),
                workers(required(fields, "BusyWorkers")),
                workers(required(fields, "IdleWorkers")),
                counted);
    }

    private record Field(int line, String key, String value) {}

    private static Field required(Map<String, Field> fields, String key) {
        Field field = fields.get(key);
        if (field == null) {
            throw new StatusFormatException("no '" + key + ":' line; is this a mod_status ?auto page?");
        }
        return field;
    }

    private static Long counter(Field field) {
        return field == null ? null : digits(field, 18);
    }

    private static int workers(Field field) {
        return Math.toIntExact(digits(field, 9));
    }

    private static long digits(Field field, int maxDigits) {
        if (field.value().matches("[0-9]{1," + maxDigits + "}")) {
            return Long.parseLong(field.value());
        }
        throw new StatusFormatException("line " + field.line() + ": '" + field.key()
                + "' should be a whole number of at most " + maxDigits + " digits, got '" + shorten(field.value()) + "'");
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
