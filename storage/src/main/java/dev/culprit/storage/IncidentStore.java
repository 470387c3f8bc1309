package dev.culprit.storage;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes alerts and the incidents they carry. Writes are idempotent: an alert delivered twice
 * (a Kafka retry, a job restored from a checkpoint) leaves the same rows as once.
 */
public final class IncidentStore {

    private final Database db;

    public IncidentStore(Database db) {
        this.db = db;
    }

    /** Why an incident that an earlier run left open was closed at start. */
    public static final String PIPELINE_RESTARTED = "pipeline restarted";

    /**
     * Closes the incidents an earlier run left open: the detector memory that would have closed
     * them is gone, so left alone they would read as going on for ever. Each gets a resolved alert
     * that ends it at its last alert, with the reason {@value #PIPELINE_RESTARTED}; an incident that
     * is in fact still going on fires again, as a new one, once the new run sees its condition.
     *
     * @return the resolved alerts, as stored
     */
    public List<Alert> resolveLeftOpen(long now) {
        List<Alert> resolved = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (Connection c = db.connect();
             PreparedStatement last = c.prepareStatement(
                     "SELECT a.payload FROM incidents i JOIN alerts a ON a.incident_id = i.id AND a.ts = i.updated_ts "
                             + "WHERE i.end_ts IS NULL ORDER BY i.start_ts, i.id");
             ResultSet rs = last.executeQuery()) {
            while (rs.next()) {
                Alert latest = EventCodec.decode(rs.getString(1), Alert.class);
                Incident i = latest.incident();
                if (!seen.add(i.id())) {
                    continue; // two alerts in the same millisecond: one resolution is enough
                }
                Incident closed = new Incident(i.host(), i.source(), now, i.v(), i.id(), i.kind(), i.severity(), i.rule(),
                        i.start(), latest.ts(), PIPELINE_RESTARTED, i.summary(), i.culprits(), i.related());
                resolved.add(new Alert(latest.host(), latest.source(), now, latest.v(), Alert.State.RESOLVED, closed));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the open incidents in " + db.url() + ": " + e.getMessage(), e);
        }
        save(resolved);
        return resolved;
    }

    /** Stores a batch of alerts in one transaction. */
    public void save(Collection<Alert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        try (Connection c = db.connect()) {
            db.ensureRoomToWrite();
            c.setAutoCommit(false);
            try (PreparedStatement incident = c.prepareStatement(
                    "MERGE INTO incidents (id, host, kind, severity, rule, start_ts, end_ts, resolution, summary, updated_ts) "
                            + "KEY (id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement alert = c.prepareStatement(
                    "MERGE INTO alerts (incident_id, state, ts, severity, summary, payload) "
                            + "KEY (incident_id, state, ts) VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement clearCulprits = c.prepareStatement("DELETE FROM culprits WHERE incident_id = ?");
                 PreparedStatement culprit = c.prepareStatement(
                    "INSERT INTO culprits (incident_id, position, role, name, evidence) VALUES (?, ?, ?, ?, ?)");
                 PreparedStatement related = c.prepareStatement(
                    "MERGE INTO related_incidents (incident_id, related_id) KEY (incident_id, related_id) VALUES (?, ?)")) {
                for (Alert a : alerts) {
                    Incident i = a.incident();
                    incident.setString(1, i.id());
                    incident.setString(2, i.host());
                    incident.setString(3, EventCodec.mapper().convertValue(i.kind(), String.class));
                    incident.setString(4, EventCodec.mapper().convertValue(i.severity(), String.class));
                    incident.setString(5, i.rule());
                    incident.setLong(6, i.start());
                    if (i.end() == null) {
                        incident.setNull(7, java.sql.Types.BIGINT);
                    } else {
                        incident.setLong(7, i.end());
                    }
                    incident.setString(8, i.resolution());
                    incident.setString(9, i.summary());
                    incident.setLong(10, a.ts());
                    incident.executeUpdate();

                    alert.setString(1, i.id());
                    alert.setString(2, EventCodec.mapper().convertValue(a.state(), String.class));
                    alert.setLong(3, a.ts());
                    alert.setString(4, EventCodec.mapper().convertValue(i.severity(), String.class));
                    alert.setString(5, i.summary());
                    alert.setString(6, EventCodec.encodeToString(a));
                    alert.executeUpdate();

                    List<Culprit> culprits = i.culprits();
                    if (!culprits.isEmpty()) {
                        // an alert that names nobody (an update drawn after the evidence has aged out of
                        // the detector's window, as after a failover) leaves who was named before
                        clearCulprits.setString(1, i.id());
                        clearCulprits.executeUpdate();
                    }
                    for (int n = 0; n < culprits.size(); n++) {
                        Culprit cu = culprits.get(n);
                        culprit.setString(1, i.id());
                        culprit.setInt(2, n);
                        culprit.setString(3, cu.role());
                        culprit.setString(4, cu.name());
                        culprit.setString(5, EventCodec.mapper().writeValueAsString(cu.evidence()));
                        culprit.addBatch();
                    }
                    culprit.executeBatch();
                    for (String other : i.related()) {
                        related.setString(1, i.id());
                        related.setString(2, other);
                        related.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot store " + alerts.size() + " alert(s) in " + db.url() + ": " + e.getMessage(), e);
        }
    }
}
