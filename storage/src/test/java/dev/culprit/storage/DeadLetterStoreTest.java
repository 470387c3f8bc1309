package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.Schema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterStoreTest {

    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    private static DeadLetter line(long ts, long offset, String source) {
        return new DeadLetter("web1", source, ts, Schema.VERSION, "/var/log/mail.log", offset, "neither 'mail() on [' nor a syslog line",
                "line at " + offset);
    }

    @Test
    void aRedeliveredDeadLetterAddsNoRowAndTheListIsNewestFirstWithinTheFilter() {
        DeadLetterStore store = new DeadLetterStore(DataDirectory.prepare(dir, notice -> { }).database("culprit"));
        List<DeadLetter> batch = List.of(line(T0, 0, "phpmail"), line(T0 + 1_000, 120, "phpmail"), line(T0 + 2_000, 77, "evasive"));

        store.save(batch);
        store.save(batch.subList(0, 2)); // after a restart, the consumer is given the last batch again

        assertThat(store.list(new DeadLetterStore.Filter(T0, null, 10))).containsExactly(batch.get(2), batch.get(1), batch.get(0));
        assertThat(store.list(new DeadLetterStore.Filter(T0, "PhpMail", 10))).containsExactly(batch.get(1), batch.get(0));
        assertThat(store.list(new DeadLetterStore.Filter(T0 + 500, "phpmail", 10))).containsExactly(batch.get(1));
        assertThat(store.list(new DeadLetterStore.Filter(T0, null, 1))).containsExactly(batch.get(2));
        assertThat(store.deleteOlderThan(T0 + 1_000)).isEqualTo(1);
    }

    @Test
    void aDatabaseOfAnOlderCulpritGainsTheTableOnTheNextStart() throws Exception {
        DataDirectory data = DataDirectory.prepare(dir, notice -> { });
        Database db = data.database("culprit");
        try (Connection c = data.admin("culprit").connect(); Statement st = c.createStatement()) {
            // what a Culprit before dead letters left: schema version 3, no dead_letters table, and
            // raw events keyed by digest first with an index on time (undone V6)
            st.execute("DROP TABLE dead_letters");
            st.execute("ALTER TABLE raw_events DROP PRIMARY KEY");
            st.execute("ALTER TABLE raw_events ADD PRIMARY KEY (digest, occurrence)");
            st.execute("CREATE INDEX raw_events_ts ON raw_events (ts)");
            st.execute("DELETE FROM schema_version WHERE version > 3");
        }
        assertThat(new DeadLetterStore(db).keepsDeadLetters()).isFalse();

        Database again = DataDirectory.prepare(dir, notice -> { }).database("culprit");

        assertThat(new DeadLetterStore(again).keepsDeadLetters()).isTrue();
        try (Connection c = again.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Database.SCHEMA_VERSION).isEqualTo(7);
        }
    }
}
