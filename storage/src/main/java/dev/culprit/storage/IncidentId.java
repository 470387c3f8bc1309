package dev.culprit.storage;

import dev.culprit.events.text.ShortDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two names of an incident. Its key is what the detector made of host, kind and start
 * ({@code demo-mail-mail-var-www-html-wp-content-uploads-2024-05-x.php-1796151435464}): unique,
 * stored, but long and full of host-chosen text. Its id is the first 8 hex digits of the key's
 * SHA-256 ({@code 3f9c0a1b}): short enough to read out and paste, the same in every run, every
 * command and every database, since it depends on the key alone.
 *
 * <p>The id is computed, not stored: H2 computes the same digest ({@link #SQL}), so a database
 * written before ids existed answers to them too, and {@code query sql} can show them.
 */
public final class IncidentId {

    /** The id of the key in column {@code id}, as H2 computes it: {@code SELECT ... AS short_id FROM incidents}. */
    public static final String SQL = "LOWER(LEFT(RAWTOHEX(HASH('SHA-256', id)), 8))";

    private static final int BYTES = 4;
    private static final Pattern SHORT = Pattern.compile("[0-9a-fA-F]{" + 2 * BYTES + "}");

    private IncidentId() {}

    /** The short id of an incident key. */
    public static String of(String key) {
        return ShortDigest.of(key, BYTES);
    }

    /** More than one stored incident has the short id typed: only the key tells them apart. */
    public static final class Ambiguous extends RuntimeException {
        private final List<String> keys;

        Ambiguous(String typed, List<String> keys) {
            super("'" + typed + "' is the id of " + keys.size() + " incidents; give the key of the one you mean: " + String.join(", ", keys));
            this.keys = List.copyOf(keys);
        }

        public List<String> keys() {
            return keys;
        }
    }

    /**
     * The key of the stored incident a user named, by its key or its id, with the whitespace a
     * paste brings along trimmed; empty when none is stored.
     *
     * @throws Ambiguous when the text is the id of more than one stored incident
     */
    static Optional<String> resolve(Connection c, String typed) throws SQLException {
        String text = typed.strip();
        try (PreparedStatement byKey = c.prepareStatement("SELECT id FROM incidents WHERE id = ?")) {
            byKey.setString(1, text);
            try (ResultSet rs = byKey.executeQuery()) {
                if (rs.next()) {
                    return Optional.of(rs.getString(1));
                }
            }
        }
        if (!SHORT.matcher(text).matches()) {
            return Optional.empty();
        }
        List<String> keys = new ArrayList<>();
        try (PreparedStatement byId = c.prepareStatement("SELECT id FROM incidents WHERE " + SQL + " = ? ORDER BY start_ts, id")) {
            byId.setString(1, text.toLowerCase(java.util.Locale.ROOT));
            try (ResultSet rs = byId.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        if (keys.size() > 1) {
            throw new Ambiguous(text, keys);
        }
        return keys.stream().findFirst();
    }
}
