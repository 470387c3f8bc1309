package dev.culprit.storage;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Writes alerts and the incidents they carry. Writes are idempotent: an alert delivered twice
 * (a Kafka retry, a job restored from a checkpoint) leaves the same rows as once.
 */
public final class IncidentStore {

    private final Database db;

    public IncidentStore(Database db) {
        this.db = db;
    }

    /** Stores a batch of alerts in one transaction. */
    public void save(Collection<Alert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        try (Connection c = db.connect()) {
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

                    clearCulprits.setString(1, i.id());
                    clearCulprits.executeUpdate();
                    List<Culprit> culprits = i.culprits();
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
