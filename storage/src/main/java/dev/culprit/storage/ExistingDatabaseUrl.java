package dev.culprit.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JDBC URL a read-only command may open: an H2 database that already exists, with none of the
 * URL settings that run code or change the database. H2 runs {@code INIT=RUNSCRIPT FROM ...} on
 * connect, creates a missing database, and takes dozens of other settings from the URL; a command
 * that only reads accepts only the settings below, and always adds {@code IFEXISTS=TRUE}.
 */
public final class ExistingDatabaseUrl {

    /** Settings a read may carry, with the values allowed (null: any). */
    static final Map<String, List<String>> ALLOWED = Map.of(
            "AUTO_SERVER", List.of("TRUE", "FALSE"),
            "AUTO_RECONNECT", List.of("TRUE", "FALSE"),
            "IFEXISTS", List.of("TRUE"),
            "ACCESS_MODE_DATA", List.of("R"));

    /** A URL that does not qualify; the message names the setting and what is allowed. */
    public static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    private ExistingDatabaseUrl() {}

    /** The URL with {@code IFEXISTS=TRUE}, or {@link Refused} naming what is not allowed. */
    public static String of(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            throw new Refused("not an H2 JDBC URL (jdbc:h2:...): " + url);
        }
        String[] parts = url.split(";", -1);
        String database = parts[0].substring("jdbc:h2:".length());
        String lower = database.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mem:") || lower.contains("/mem:") || lower.startsWith("zip:") || database.isBlank()) {
            throw new Refused("only a database file or an H2 server (jdbc:h2:file:..., jdbc:h2:tcp://..., jdbc:h2:ssl://...) "
                    + "can hold Culprit's history, not " + parts[0]);
        }
        List<String> settings = new ArrayList<>();
        for (int n = 1; n < parts.length; n++) {
            String setting = parts[n].trim();
            if (setting.isEmpty()) {
                continue;
            }
            int eq = setting.indexOf('=');
            String key = (eq < 0 ? setting : setting.substring(0, eq)).trim().toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : setting.substring(eq + 1).trim().toUpperCase(Locale.ROOT);
            List<String> values = ALLOWED.get(key);
            if (values == null) {
                throw new Refused("the URL setting " + key + " is not allowed for a command that only reads (allowed: "
                        + String.join(", ", ALLOWED.keySet().stream().sorted().toList()) + "; the login comes from the "
                        + "data directory, --db-password-file or CULPRIT_DB_PASSWORD, never from the URL)");
            }
            if (!values.contains(value)) {
                throw new Refused("the URL setting " + key + "=" + value + " is not allowed; use " + key + "=" + String.join(" or ", values));
            }
            if (!key.equals("IFEXISTS")) {
                settings.add(key + "=" + value);
            }
        }
        settings.add("IFEXISTS=TRUE");
        return parts[0] + ";" + String.join(";", settings);
    }
}
