package dev.culprit.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * When and where an incident happened, as the incidents table has it.
 *
 * @param end event time the incident resolved; null while it is still open
 */
public record IncidentSpan(String id, String host, long start, Long end) {

    /** The stored incident with this id, if there is one. */
    public static Optional<IncidentSpan> find(Database db, String id) {
        try (Connection c = db.connect();
             PreparedStatement q = c.prepareStatement("SELECT host, start_ts, end_ts FROM incidents WHERE id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new IncidentSpan(id, rs.getString(1), rs.getLong(2), rs.getObject(3, Long.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + id + " from " + db.url() + ": " + e.getMessage(), e);
        }
    }
}
