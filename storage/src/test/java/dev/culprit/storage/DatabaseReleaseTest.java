package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory a process has stopped using can be deleted, and stays deleted. */
class DatabaseReleaseTest {

    @TempDir
    Path parent;

    @Test
    void aReleasedDatabaseLeavesNoLockFileBehindAndKeepsItsRows() throws Exception {
        Path dir = parent.resolve("data");
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO incidents (id, host, kind, severity, rule, start_ts, end_ts, summary, updated_ts) "
                    + "VALUES ('kept', 'web1', 'dos', 'warning', 'dos', 1, NULL, 's', 1)");
        }
        Path lock = dir.resolve("culprit.lock.db");
        assertThat(lock).as("H2's lock file while this process serves the file").exists();

        db.releaseWhenUnused();

        assertThat(lock).as("the lock file once the last connection has closed").doesNotExist();
        Files.deleteIfExists(lock);
        Thread.sleep(1_500); // H2's lock watchdog looks about once a second
        assertThat(lock).as("no watchdog wrote it again").doesNotExist();
        Database again = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        try (Connection c = again.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM incidents")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
        }
        again.releaseWhenUnused();
    }
}
