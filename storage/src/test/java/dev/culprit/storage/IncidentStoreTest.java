package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentStoreTest {

    @TempDir
    Path dir;

    private static Alert alert(Alert.State state, long ts, Long end) {
        Incident incident = new Incident("web1", "iowait-detector", ts, 1, "web1-iowait-1000", IncidentKind.IOWAIT,
                Severity.WARNING, "iowait", 1000, end, end == null ? null : "condition cleared", "I/O wait on web1",
                List.of(new Culprit("disk", "vda", Map.of("queueSize", 12.0))), List.of());
        return new Alert("web1", "iowait-detector", ts, 1, state, incident);
    }

    @Test
    void anIncidentQuotingAHostileUrlOfAnyLengthIsStoredCutWithAMarker() throws Exception {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        String url = "/wp-login.php?" + "A".repeat(100_000) + "'); DROP TABLE incidents; --\n\u001b[31mforged";
        Incident incident = new Incident("web1", "dos-detector", 11_000, 1, "web1-dos-1000", IncidentKind.DOS,
                Severity.WARNING, "dos", 1000, null, null, "DoS on web1: most hit " + url,
                List.of(new Culprit("url", url, Map.of("denied", 300.0))), List.of());

        new IncidentStore(db).save(List.of(new Alert("web1", "dos-detector", 11_000, 1, Alert.State.FIRING, incident)));

        try (Connection c = db.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT i.summary, c.name FROM incidents i JOIN culprits c ON c.incident_id = i.id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("DoS on web1: most hit /wp-login.php?AAA").endsWith(" more characters]")
                    .hasSizeLessThanOrEqualTo(dev.culprit.events.text.FieldLimit.SUMMARY);
            assertThat(rs.getString(2)).startsWith("/wp-login.php?AAA").endsWith(" more characters]")
                    .hasSizeLessThanOrEqualTo(dev.culprit.events.text.FieldLimit.NAME);
        }
    }

    @Test
    void aRedeliveredAlertLeavesTheSameRows() throws Exception {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        IncidentStore store = new IncidentStore(db);

        store.save(List.of(alert(Alert.State.FIRING, 11_000, null)));
        store.save(List.of(alert(Alert.State.FIRING, 11_000, null)));
        store.save(List.of(alert(Alert.State.RESOLVED, 60_000, 30_000L)));

        assertThat(count(db, "SELECT COUNT(*) FROM alerts")).isEqualTo(2);
        assertThat(count(db, "SELECT COUNT(*) FROM culprits WHERE name = 'vda'")).isEqualTo(1);
        assertThat(count(db, "SELECT end_ts FROM incidents WHERE id = 'web1-iowait-1000'")).isEqualTo(30_000);
    }

    @Test
    void incidentsAnEarlierRunLeftOpenAreResolvedAtTheirLastAlertAndSaySo() throws Exception {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        IncidentStore store = new IncidentStore(db);
        store.save(List.of(alert(Alert.State.FIRING, 11_000, null), alert(Alert.State.UPDATE, 41_000, null)));
        Incident finished = new Incident("web1", "mail-detector", 90_000, 1, "web1-mail-5000", IncidentKind.MAIL,
                Severity.CRITICAL, "mail", 5_000, 20_000L, "condition cleared", "Mail abuse on web1", List.of(), List.of());
        store.save(List.of(new Alert("web1", "mail-detector", 90_000, 1, Alert.State.RESOLVED, finished)));

        List<Alert> closed = store.resolveLeftOpen(500_000);

        assertThat(closed).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
            assertThat(a.incident().id()).isEqualTo("web1-iowait-1000");
            assertThat(a.incident().end()).isEqualTo(41_000L);
            assertThat(a.incident().resolution()).isEqualTo("pipeline restarted");
            assertThat(a.incident().culprits()).extracting(Culprit::name).containsExactly("vda");
        });
        assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE end_ts IS NULL")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE resolution = 'pipeline restarted'")).isEqualTo(1);
        assertThat(count(db, "SELECT COUNT(*) FROM incidents WHERE resolution = 'condition cleared'")).isEqualTo(1);
        assertThat(store.resolveLeftOpen(600_000)).isEmpty();
    }

    @Test
    void aDatabaseFromANewerCulpritIsRefused() throws Exception {
        DataDirectory data = DataDirectory.prepare(dir, notice -> { });
        Database db = data.database("culprit");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO schema_version VALUES (" + (Database.SCHEMA_VERSION + 1) + ", 0)");
        }

        assertThatThrownBy(() -> DataDirectory.prepare(dir, notice -> { }).database("culprit"))
                .hasMessageContaining("newer than this Culprit understands");
    }

    @Test
    void reopeningKeepsTheData() throws Exception {
        new IncidentStore(DataDirectory.prepare(dir, notice -> { }).database("culprit")).save(List.of(alert(Alert.State.FIRING, 11_000, null)));

        assertThat(count(DataDirectory.prepare(dir, notice -> { }).database("culprit"), "SELECT COUNT(*) FROM incidents")).isEqualTo(1);
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
