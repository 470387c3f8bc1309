package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.tools.Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlySqlTest {

    @TempDir
    Path dir;

    private DataDirectory data;
    private ReadOnlySql sql;

    @BeforeEach
    void writeIncidents() {
        data = DataDirectory.prepare(dir, notice -> { });
        IncidentFixtures.write(new IncidentStore(data.database("culprit")));
        sql = new ReadOnlySql(data.reader("culprit"));
    }

    @Test
    void aSelectReturnsItsColumnsAndRows() throws Exception {
        ReadOnlySql.Result result = sql.run(
                "SELECT id, end_ts FROM incidents WHERE host = 'web1' ORDER BY start_ts DESC, id;", 100);

        assertThat(result.columns()).containsExactly("ID", "END_TS");
        assertThat(result.rows()).extracting(row -> row.get(0)).containsExactly("mail-flood", "long-iowait", "old-iowait");
        assertThat(result.rows().get(0).get(1)).isNull();
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void rowsBeyondTheLimitAreLeftOutAndSaidSo() throws Exception {
        ReadOnlySql.Result result = sql.run("SELECT id FROM incidents", 2);

        assertThat(result.rows()).hasSize(2);
        assertThat(result.truncated()).isTrue();
    }

    @Test
    void aClobComesBackAsText() throws Exception {
        ReadOnlySql.Result result = sql.run("SELECT evidence FROM culprits WHERE name = '812 mariadbd'", 10);

        assertThat(result.rows().get(0).get(0)).isInstanceOf(String.class).asString().contains("blkioDelayMs");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1",
        "select count(*) from incidents;",
        "WITH w AS (SELECT id FROM incidents) SELECT * FROM w",
        "VALUES (1, 'a')",
        "TABLE incidents",
        "SHOW TABLES",
        "EXPLAIN SELECT * FROM incidents",
        "(SELECT 1) UNION (SELECT 2)",
        "SELECT 'DROP TABLE incidents; --' AS text",
        "SELECT 1 AS \"delete\"",
        "SELECT REPLACE(name, 'a', 'b'), updated_ts FROM incidents JOIN culprits ON id = incident_id",
        "SELECT 1 -- ; DROP TABLE incidents",
        "SELECT 1 /* nested /* comment */ ; DROP TABLE incidents; */",
        "SELECT $$ ; DELETE FROM incidents $$",
    })
    void readsAreAllowed(String statement) {
        assertThatCode(() -> sql.run(statement, 10)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO related_incidents VALUES ('hostile', 'y')",
        "UPDATE incidents SET host = 'x'",
        "DELETE FROM incidents",
        "DROP TABLE incidents",
        "CREATE TABLE x (a INT)",
        "MERGE INTO related_incidents KEY (incident_id, related_id) VALUES ('hostile', 'y')",
        "TRUNCATE TABLE alerts",
        "ALTER TABLE incidents DROP COLUMN summary",
        "SELECT 1; DROP TABLE incidents",
        "SELECT 1; SELECT 2",
        "SELECT 1 // a comment to the end of the line\n; DROP TABLE incidents",
        "CALL FILE_WRITE('x', '/tmp/culprit-pwned')",
        "SELECT FILE_WRITE('x', '/tmp/culprit-pwned')",
        "SELECT CSVWRITE('/tmp/culprit-pwned.csv', 'SELECT 1')",
        "SELECT * FROM FINAL TABLE (INSERT INTO related_incidents VALUES ('hostile', 'y'))",
        "WITH d AS (SELECT * FROM OLD TABLE (DELETE FROM related_incidents)) SELECT * FROM d",
        "EXPLAIN ANALYZE DELETE FROM incidents",
        "SELECT * FROM incidents FOR UPDATE",
        "SELECT NEXT VALUE FOR s",
        "SET EXCLUSIVE 1",
        "SHUTDOWN",
        "RUNSCRIPT FROM '/tmp/x.sql'",
        "SELECT 'unterminated",
        "SELECT 1 /* unterminated",
        "",
        " ; ",
    })
    void anythingButOneReadIsRefusedBeforeItReachesTheDatabase(String statement) throws Exception {
        assertThatThrownBy(() -> sql.run(statement, 10)).isInstanceOf(ReadOnlySql.Refused.class);

        assertTablesUntouched();
    }

    /** The second guard alone: statements the lexer would have refused, sent as the temporary reader. */
    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO related_incidents VALUES ('hostile', 'y')",
        "UPDATE incidents SET host = 'x'",
        "DELETE FROM incidents",
        "DROP TABLE incidents",
        "CREATE TABLE x (a INT)",
        "MERGE INTO related_incidents KEY (incident_id, related_id) VALUES ('hostile', 'y')",
        "SELECT 1; DROP TABLE incidents",
        "SELECT * FROM FINAL TABLE (INSERT INTO related_incidents VALUES ('hostile', 'y'))",
        "EXPLAIN ANALYZE DELETE FROM incidents",
        "CALL FILE_WRITE('x', '${file}')",
        "SELECT CSVWRITE('${file}', 'SELECT 1')",
        "SELECT * FROM LINK_SCHEMA('L', '', 'jdbc:h2:mem:', 'sa', '', 'PUBLIC')",
        "CREATE ALIAS EXIT FOR 'java.lang.System.exit'",
        "CREATE USER intruder PASSWORD 'x' ADMIN",
        "SHUTDOWN",
    })
    void theDatabaseRefusesWritesFromTheReaderEvenWhenTheLexerIsBypassed(String statement) throws Exception {
        Path file = dir.resolve("written-by-sql");
        String sent = statement.replace("${file}", file.toString());

        assertThatThrownBy(() -> sql.runAsReader(sent, 10))
                .isInstanceOf(SQLException.class)
                .hasMessageMatching("(?s).*(Not enough rights|Admin rights are required).*");

        assertThat(file).doesNotExist();
        assertTablesUntouched();
    }

    @Test
    void anAdminLoginGetsATemporaryReaderThatIsDroppedAfterwards() throws Exception {
        ReadOnlySql asAdmin = new ReadOnlySql(data.admin("culprit"));
        asAdmin.run("SELECT 1", 1);
        assertThatThrownBy(() -> asAdmin.runAsReader("DROP TABLE incidents", 1)).isInstanceOf(SQLException.class);

        try (Connection c = data.admin("culprit").connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME LIKE 'CULPRIT_READER_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    /** Why the reader user exists: H2 2.5 takes setReadOnly(true) without enforcing it. */
    @Test
    void h2IgnoresJdbcReadOnlyConnections() throws Exception {
        try (Connection c = data.admin("culprit").connect()) {
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("INSERT INTO related_incidents VALUES ('hostile', 'b')")).isEqualTo(1);
            }
        }
    }

    @Test
    void worksAgainstAnH2TcpServer() throws Exception {
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        Server server = Server.createTcpServer("-tcpPort", "0", "-baseDir", serverDir.toString(), "-ifNotExists").start();
        try {
            String tcp = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/culprit";
            // a remote H2 that gave Culprit one account, its admin
            DatabaseAccess account = new DatabaseAccess(tcp, new DatabaseLogin("culprit_remote", "remote-secret"));
            DatabaseLogin only = account.login();
            IncidentFixtures.write(new IncidentStore(Database.migrate(account, only, only)));
            ReadOnlySql remote = new ReadOnlySql(account);

            assertThat(remote.run("SELECT COUNT(*) FROM incidents", 1).rows().get(0).get(0)).isEqualTo(6L);
            assertThatThrownBy(() -> remote.runAsReader("DELETE FROM incidents", 1)).isInstanceOf(SQLException.class);
            assertThat(IncidentQueries.open(account).list(IncidentFilter.all(10))).hasSize(6);
        } finally {
            server.stop();
        }
    }

    private void assertTablesUntouched() throws Exception {
        try (Connection c = data.admin("culprit").connect(); Statement st = c.createStatement()) {
            for (String[] expected : new String[][] {{"incidents", "6"}, {"culprits", "8"}, {"related_incidents", "2"}, {"alerts", "8"}}) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + expected[0])) {
                    rs.next();
                    assertThat(rs.getString(1)).as(expected[0]).isEqualTo(expected[1]);
                }
            }
        }
    }
}
