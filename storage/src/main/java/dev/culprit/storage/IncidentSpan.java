package dev.culprit.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * When and where an incident happened, as the incidents table has it.
 *
 * @param id the incident's key
 * @param end event time the incident resolved; null while it is still open
 */
public record IncidentSpan(String id, String host, long start, Long end) {

    /**
     * The stored incident with this key or id ({@link IncidentId}, surrounding whitespace ignored),
     * if there is one.
     *
     * @throws IncidentId.Ambiguous when the text is the id of more than one incident
     */
    public static Optional<IncidentSpan> find(Database db, String keyOrId) {
        try (Connection c = db.connect()) {
            Optional<String> key = IncidentId.resolve(c, keyOrId);
            if (key.isEmpty()) {
                return Optional.empty();
            }
            try (PreparedStatement q = c.prepareStatement("SELECT host, start_ts, end_ts FROM incidents WHERE id = ?")) {
                q.setString(1, key.get());
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return Optional.of(new IncidentSpan(key.get(), rs.getString(1), rs.getLong(2), rs.getObject(3, Long.class)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + keyOrId + " from " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** The incident's short id ({@link IncidentId}). */
    public String shortId() {
        return IncidentId.of(id);
    }
}
