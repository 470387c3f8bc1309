package dev.culprit.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.culprit.events.Alert;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Event;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Topics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads incidents back for {@code culprit query}. Only reads: the database is neither created nor
 * migrated, so it can be pointed at a file the pipeline is writing or at a remote H2 server.
 * Every value a user typed reaches the database as a bound parameter.
 */
public final class IncidentQueries {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentQueries.class);
    private static final TypeReference<LinkedHashMap<String, Double>> EVIDENCE = new TypeReference<>() {};

    private final DatabaseAccess access;

    private IncidentQueries(DatabaseAccess access) {
        this.access = access;
    }

    /**
     * Connects to the database at a JDBC URL and checks it holds Culprit's schema at a version this
     * build can read.
     */
    public static IncidentQueries open(DatabaseAccess access) {
        IncidentQueries queries = new IncidentQueries(access);
        queries.checkSchema();
        return queries;
    }

    public String url() {
        return access.url();
    }

    private Connection connect() throws SQLException {
        return access.connect();
    }

    private void checkSchema() {
        try (Connection c = connect();
             PreparedStatement st = c.prepareStatement(
                     "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'SCHEMA_VERSION'");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            if (rs.getInt(1) == 0) {
                throw new IllegalStateException(url() + " is not a Culprit database (it has no schema_version table)");
            }
            try (PreparedStatement v = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM schema_version");
                 ResultSet vr = v.executeQuery()) {
                vr.next();
                int version = vr.getInt(1);
                if (version > Database.SCHEMA_VERSION) {
                    throw new IllegalStateException(url() + " has schema version " + version + ", newer than this Culprit reads ("
                            + Database.SCHEMA_VERSION + "): upgrade Culprit");
                }
                if (version < 1) {
                    throw new IllegalStateException(url() + " has an empty Culprit schema (version 0)");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read database " + url() + ": " + e.getMessage(), e);
        }
    }

    /** Incidents matching the filter, newest start first. */
    public List<IncidentSummary> list(IncidentFilter filter) {
        StringBuilder sql = new StringBuilder(
                "SELECT i.id, i.kind, i.severity, i.host, i.rule, i.start_ts, i.end_ts, i.resolution, i.summary, c.role, c.name "
                        + "FROM incidents i LEFT JOIN culprits c ON c.incident_id = i.id AND c.position = 0 WHERE TRUE");
        List<Object> params = new ArrayList<>();
        if (filter.since() != null) {
            sql.append(" AND (i.end_ts IS NULL OR i.end_ts >= ?)");
            params.add(filter.since().toEpochMilli());
        }
        if (filter.until() != null) {
            sql.append(" AND i.start_ts <= ?");
            params.add(filter.until().toEpochMilli());
        }
        if (filter.kind() != null) {
            sql.append(" AND i.kind = ?");
            params.add(EventCodec.mapper().convertValue(filter.kind(), String.class));
        }
        if (filter.host() != null) {
            sql.append(" AND LOWER(i.host) = LOWER(?)");
            params.add(filter.host());
        }
        if (filter.culprit() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM culprits m WHERE m.incident_id = i.id AND m.name ILIKE ? ESCAPE '\\')");
            params.add("%" + likeLiteral(filter.culprit()) + "%");
        }
        if (filter.openOnly()) {
            sql.append(" AND i.end_ts IS NULL");
        }
        sql.append(" ORDER BY i.start_ts DESC, i.id FETCH FIRST ? ROWS ONLY");
        params.add(filter.limit());

        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql.toString())) {
            for (int n = 0; n < params.size(); n++) {
                st.setObject(n + 1, params.get(n));
            }
            List<IncidentSummary> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(summary(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list incidents in " + url() + ": " + e.getMessage(), e);
        }
    }

    /** The text matched literally by {@code LIKE ... ESCAPE '\'}: its wildcards and the escape itself escaped. */
    static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static IncidentSummary summary(ResultSet rs) throws SQLException {
        long end = rs.getLong("end_ts");
        Long endOrNull = rs.wasNull() ? null : end;
        return new IncidentSummary(rs.getString("id"), rs.getString("kind"), rs.getString("severity"),
                rs.getString("host"), rs.getString("rule"), rs.getLong("start_ts"), endOrNull,
                rs.getString("resolution"), rs.getString("summary"), rs.getString("role"), rs.getString("name"));
    }

    /**
     * One incident with its culprits, alert timeline and linked incidents; empty if none has this
     * key or id ({@link IncidentId}, surrounding whitespace ignored).
     *
     * @throws IncidentId.Ambiguous when the text is the id of more than one incident
     */
    public Optional<IncidentDetail> find(String keyOrId) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            // One transaction: the pipeline may rewrite this incident's culprits while we read.
            try {
                Optional<String> key = IncidentId.resolve(c, keyOrId);
                Optional<IncidentDetail> detail = key.isEmpty() ? Optional.empty() : find(c, key.get());
                c.commit();
                return detail;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + keyOrId + " from " + url() + ": " + e.getMessage(), e);
        }
    }

    /** Each listed incident in full, in the order given: one connection, one transaction for them all. */
    public List<IncidentDetail> details(List<IncidentSummary> listed) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                List<IncidentDetail> details = new ArrayList<>();
                for (IncidentSummary s : listed) {
                    // an incident listed a moment ago is not deleted (nothing deletes incidents), so it is found
                    find(c, s.id()).ifPresent(details::add);
                }
                c.commit();
                return details;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + listed.size() + " incident(s) from " + url() + ": " + e.getMessage(), e);
        }
    }

    private Optional<IncidentDetail> find(Connection c, String id) throws SQLException {
        IncidentSummary incident;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT i.id, i.kind, i.severity, i.host, i.rule, i.start_ts, i.end_ts, i.resolution, i.summary, c.role, c.name "
                        + "FROM incidents i LEFT JOIN culprits c ON c.incident_id = i.id AND c.position = 0 WHERE i.id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                incident = summary(rs);
            }
        }
        List<IncidentDetail.TimelineEntry> timeline = new ArrayList<>();
        String latestPayload = null;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT state, ts, severity, summary, payload FROM alerts WHERE incident_id = ? ORDER BY ts, state")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    timeline.add(new IncidentDetail.TimelineEntry(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                    latestPayload = rs.getString(5);
                }
            }
        }
        List<dev.culprit.events.Culprit> latest = latestCulprits(id, latestPayload);
        List<IncidentDetail.StoredCulprit> culprits = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT position, role, name, evidence FROM culprits WHERE incident_id = ? ORDER BY position")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    int position = rs.getInt(1);
                    String name = rs.getString(3);
                    culprits.add(new IncidentDetail.StoredCulprit(position, rs.getString(2), name,
                            evidence(id, rs.getString(4)), detailsFor(latest, position, name)));
                }
            }
        }
        List<IncidentDetail.LinkedIncident> linked = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT l.other, o.kind, o.host, o.start_ts, o.end_ts, o.summary FROM ("
                        + " SELECT related_id AS other FROM related_incidents WHERE incident_id = ?"
                        + " UNION SELECT incident_id FROM related_incidents WHERE related_id = ?"
                        + ") l LEFT JOIN incidents o ON o.id = l.other ORDER BY o.start_ts NULLS LAST, l.other")) {
            st.setString(1, id);
            st.setString(2, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long start = rs.getLong(4);
                    Long startOrNull = rs.wasNull() ? null : start;
                    long end = rs.getLong(5);
                    Long endOrNull = rs.wasNull() ? null : end;
                    linked.add(new IncidentDetail.LinkedIncident(rs.getString(1), rs.getString(2), rs.getString(3),
                            startOrNull, endOrNull, rs.getString(6)));
                }
            }
        }
        return Optional.of(new IncidentDetail(incident, culprits, timeline, linked));
    }

    /**
     * The raw events one host sent with {@code from <= ts < to}, in ts order (arrival order within
     * one ts), at most {@code max} of them: what an incident's report plots and lists. An event
     * that no longer decodes fails the read, naming its topic and time, rather than be left out of
     * the evidence unseen.
     */
    public List<Event> events(String host, long from, long to, int max) {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(
                "SELECT topic, ts, payload FROM raw_events WHERE ts >= ? AND ts < ? AND host = ? ORDER BY ts, seq FETCH FIRST ? ROWS ONLY")) {
            q.setLong(1, from);
            q.setLong(2, to);
            q.setString(3, host);
            q.setInt(4, max);
            q.setFetchSize(1000);
            List<Event> events = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String topic = rs.getString(1);
                    try {
                        events.add(EventCodec.decode(rs.getString(3), Topics.typeOf(topic)));
                    } catch (EventFormatException | IllegalArgumentException e) {
                        throw new IllegalStateException("raw event on " + topic + " at ts " + rs.getLong(2) + " in " + url()
                                + " does not decode: " + e.getMessage(), e);
                    }
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the raw events of " + host + " from " + url() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Double> evidence(String id, String json) {
        try {
            return EventCodec.mapper().readValue(json, EVIDENCE);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("incident " + id + ": culprits.evidence is not a JSON object of numbers: " + e.getOriginalMessage(), e);
        }
    }

    /** The culprits as the latest alert's payload has them (with their details); empty if it does not decode. */
    private static List<dev.culprit.events.Culprit> latestCulprits(String id, String payload) {
        if (payload == null) {
            return List.of();
        }
        try {
            return EventCodec.decode(payload, Alert.class).incident().culprits();
        } catch (EventFormatException e) {
            LOG.warn("incident {}: latest alert payload does not decode, culprit details not shown: {}", id, e.getMessage());
            return List.of();
        }
    }

    private static Map<String, String> detailsFor(List<dev.culprit.events.Culprit> latest, int position, String name) {
        // The culprits rows and the latest payload normally come from the same alert; a redelivered
        // older alert can rewrite the rows, so take details only when they are about the same name.
        if (position < latest.size() && latest.get(position).name().equals(name)) {
            return latest.get(position).details();
        }
        return Map.of();
    }
}
