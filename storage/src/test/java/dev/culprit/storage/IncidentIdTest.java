package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.Alert;
import dev.culprit.events.IncidentKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentIdTest {

    private static final String MAIL_KEY = "demo-mail-mail-var-www-html-wp-content-uploads-2024-05-x.php-1796151435464";

    @TempDir
    Path dir;

    private Database store(String... keys) {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        new IncidentStore(db).save(java.util.Arrays.stream(keys).map(key -> IncidentFixtures.alert(key, "web1", IncidentKind.MAIL,
                1_000, null, Alert.State.FIRING, 1_000, List.of(), List.of())).toList());
        return db;
    }

    @Test
    void theIdIsEightHexDigitsOfTheKeyAndTheSameEveryTime() {
        assertThat(IncidentId.of(MAIL_KEY)).matches("[0-9a-f]{8}").isEqualTo(IncidentId.of(MAIL_KEY))
                .isNotEqualTo(IncidentId.of(MAIL_KEY.replace("1796151435464", "1796151435465")));
        // a fixed value: ids in history, in notes and in tickets must still find their incident after an upgrade
        // (printf %s web1-iowait-1000 | sha256sum | cut -c1-8)
        assertThat(IncidentId.of("web1-iowait-1000")).isEqualTo("c14f80de");
    }

    @Test
    void h2ComputesTheSameIdSoQuerySqlCanShowIt() throws Exception {
        Database db = store(MAIL_KEY, "web1-iowait-1000", "w\u00e9b-dos-1");

        Map<String, String> byH2 = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, " + IncidentId.SQL + " FROM incidents")) {
            while (rs.next()) {
                byH2.put(rs.getString(1), rs.getString(2));
            }
        }

        assertThat(byH2).hasSize(3).allSatisfy((key, id) -> assertThat(id).isEqualTo(IncidentId.of(key)));
    }

    @Test
    void anIncidentIsFoundByKeyOrIdWithPastedWhitespaceTrimmed() throws Exception {
        Database db = store(MAIL_KEY, "web1-iowait-1000");
        String id = IncidentId.of(MAIL_KEY);

        try (Connection c = db.connect()) {
            assertThat(IncidentId.resolve(c, MAIL_KEY)).contains(MAIL_KEY);
            assertThat(IncidentId.resolve(c, "  " + id + "\n")).contains(MAIL_KEY);
            assertThat(IncidentId.resolve(c, id.toUpperCase())).contains(MAIL_KEY);
            assertThat(IncidentId.resolve(c, "\t" + MAIL_KEY + " ")).contains(MAIL_KEY);
            assertThat(IncidentId.resolve(c, id.substring(0, 7))).isEmpty();
            assertThat(IncidentId.resolve(c, "00000000")).isEmpty();
        }
        assertThat(IncidentSpan.find(db, " " + id + " ")).map(IncidentSpan::id).contains(MAIL_KEY);
    }

    @Test
    void anIdTwoIncidentsShareAsksForTheKey() throws Exception {
        String[] twins = twoKeysWithOneId();
        Database db = store(twins[0], twins[1]);

        try (Connection c = db.connect()) {
            assertThatThrownBy(() -> IncidentId.resolve(c, IncidentId.of(twins[0])))
                    .isInstanceOf(IncidentId.Ambiguous.class)
                    .hasMessageContaining("is the id of 2 incidents").hasMessageContaining(twins[0]).hasMessageContaining(twins[1]);
            assertThat(IncidentId.resolve(c, twins[1])).contains(twins[1]);
        }
    }

    /** Eight hex digits are 32 bits: a birthday search over incident-like keys meets a shared id within about 10^5 keys. */
    private static String[] twoKeysWithOneId() {
        Map<String, String> seen = new HashMap<>();
        for (long start = 0; ; start++) {
            String key = "web1-iowait-" + start;
            String other = seen.putIfAbsent(IncidentId.of(key), key);
            if (other != null) {
                return new String[] {other, key};
            }
        }
    }
}
