package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawEventStoreTest {

    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    private static CpuSample cpu(String host, long ts, double iowait) {
        return new CpuSample(host, "proc", ts, 1, 1000, 5, 0, 5, iowait, 0, 60, null, null, null);
    }

    private static PhpMail contactFormMail(long ts) {
        return new PhpMail("web1", "phpmail", ts, 1, "/var/www/shop/contact.php", 42, PhpMail.Origin.FILE,
                List.of("owner@shop.example"), "Contact form", null, null);
    }

    @Test
    void aRedeliveredBatchAddsNoRowsButTwoIdenticalMailsInOneBatchStayTwo() throws Exception {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        RawEventStore store = new RawEventStore(db);
        List<Event> batch = List.of(cpu("web1", T0, 35), contactFormMail(T0 + 1000), contactFormMail(T0 + 1000));

        store.save(batch);
        store.save(batch);
        store.save(List.of(contactFormMail(T0 + 1000)));

        assertThat(count(db, "SELECT COUNT(*) FROM raw_events")).isEqualTo(3);
        assertThat(store.read(T0, T0 + 2000, null)).containsExactlyElementsOf(batch);
    }

    @Test
    void readGivesOneHostsEventsInEventTimeOrderWithinTheHalfOpenRange() {
        RawEventStore store = new RawEventStore(DataDirectory.prepare(dir, notice -> { }).database("culprit"));
        store.save(List.of(cpu("web1", T0 + 2000, 3), cpu("db1", T0 + 1000, 50), cpu("web1", T0, 1)));
        store.save(List.of(cpu("web1", T0 + 1000, 2), cpu("web1", T0 + 3000, 4)));

        assertThat(store.read(T0, T0 + 3000, "web1"))
                .containsExactly(cpu("web1", T0, 1), cpu("web1", T0 + 1000, 2), cpu("web1", T0 + 2000, 3));
        assertThat(store.read(T0 + 1000, T0 + 2000, null))
                .containsExactly(cpu("db1", T0 + 1000, 50), cpu("web1", T0 + 1000, 2));
        assertThat(store.read(T0, T0 + 10_000, "mail1")).isEmpty();
    }

    @Test
    void eventsWithTheSameTimeComeBackInTheOrderTheyArrived() {
        RawEventStore store = new RawEventStore(DataDirectory.prepare(dir, notice -> { }).database("culprit"));
        store.save(List.of(contactFormMail(T0), cpu("web1", T0, 35)));

        assertThat(store.read(T0, T0 + 1, "web1")).containsExactly(contactFormMail(T0), cpu("web1", T0, 35));
    }

    @Test
    void retentionDeletesOnlyWhatIsOlderThanTheCutoff() {
        RawEventStore store = new RawEventStore(DataDirectory.prepare(dir, notice -> { }).database("culprit"));
        store.save(List.of(cpu("web1", T0, 1), cpu("web1", T0 + 1000, 2), cpu("web1", T0 + 2000, 3)));

        int deleted = store.deleteOlderThan(T0 + 1000);

        assertThat(deleted).isEqualTo(1);
        assertThat(store.read(0, Long.MAX_VALUE, null)).containsExactly(cpu("web1", T0 + 1000, 2), cpu("web1", T0 + 2000, 3));
    }

    @Test
    void aVersionOneDatabaseGainsRawEventsAndKeepsItsIncidents() throws Exception {
        // the database as Culprit with schema version 1 left it: its migration, one incident, no password yet
        try (Connection c = new DatabaseAccess(Database.fileUrl(dir, "culprit"), new DatabaseLogin("sa", "")).connect();
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INT NOT NULL, applied_ts BIGINT NOT NULL)");
            for (String sql : versionOneMigration()) {
                st.execute(sql);
            }
            st.execute("INSERT INTO schema_version VALUES (1, 0)");
            st.execute("INSERT INTO incidents VALUES ('web1-iowait-1000', 'web1', 'iowait', 'warning', 'iowait', "
                    + T0 + ", NULL, 'I/O wait on web1', " + T0 + ")");
        }

        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        new RawEventStore(db).save(List.of(cpu("web1", T0, 35)));

        assertThat(count(db, "SELECT MAX(version) FROM schema_version")).isEqualTo(Database.SCHEMA_VERSION);
        assertThat(IncidentSpan.find(db, "web1-iowait-1000")).contains(new IncidentSpan("web1-iowait-1000", "web1", T0, null));
        assertThat(new RawEventStore(db).read(T0, T0 + 1, "web1")).containsExactly(cpu("web1", T0, 35));
    }

    private static List<String> versionOneMigration() throws Exception {
        try (var in = Database.class.getResourceAsStream("/db/migration/V1__incidents.sql")) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return java.util.Arrays.stream(text.replaceAll("(?m)^--.*$", "").split(";"))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
