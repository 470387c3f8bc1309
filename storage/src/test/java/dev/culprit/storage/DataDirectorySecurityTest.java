package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.testkit.ListeningSockets;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data directory as a local attacker finds it: another user, H2's default login, the lock file's key. */
class DataDirectorySecurityTest {

    private static final int WRONG_USER_OR_PASSWORD = 28000;
    private static final int ADMIN_RIGHTS_REQUIRED = 90040;
    private static final String INCIDENT = "INSERT INTO incidents (id, host, kind, severity, rule, start_ts, end_ts, summary, updated_ts) "
            + "VALUES ('%s', 'web1', 'iowait', 'warning', 'iowait', 0, NULL, 'I/O wait', 0)";

    @TempDir
    Path parent;

    @Test
    void theDirectoryItsSecretsAndItsDatabaseFilesAreTheOwnersAlone() throws Exception {
        Path dir = parent.resolve("data");
        DataDirectory.prepare(dir, notice -> { }).database("culprit");

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("secrets"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("secrets/database.properties"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("culprit.mv.db"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("culprit.lock.db"))).isEqualTo("rw-------");
        Properties logins = logins(dir);
        assertThat(logins.getProperty("admin.user")).isNotEqualToIgnoringCase("sa");
        assertThat(logins.getProperty("pipeline.password")).hasSizeGreaterThanOrEqualTo(32)
                .isNotEqualTo(logins.getProperty("admin.password")).isNotEqualTo(logins.getProperty("reader.password"));
    }

    @Test
    void anotherUserCannotReadTheDatabaseTheLockFileOrTheSecrets() throws Exception {
        assumeThat(System.getProperty("user.name")).as("runs a command as nobody, which needs root").isEqualTo("root");
        assumeThat(Path.of("/usr/sbin/runuser")).exists();
        Path dir = parent.resolve("data");
        DataDirectory.prepare(dir, notice -> { }).database("culprit");
        // @TempDir is 0700 too: open the parent so only the data directory's own mode stands in the way
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));

        for (String file : List.of("culprit.mv.db", "culprit.lock.db", "secrets/database.properties")) {
            Process cat = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "cat", dir.resolve(file).toString())
                    .redirectErrorStream(true).start();
            String said = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cat.exitValue()).as(file).isNotZero();
            assertThat(said).as(file).contains("Permission denied");
        }
    }

    @Test
    void theAutoServerListensOnLoopbackAndWantsTheRightLoginEvenWithTheLockFilesKey() throws Exception {
        Path dir = parent.resolve("data");
        DataDirectory data = DataDirectory.prepare(dir, notice -> { });
        Database db = data.database("culprit");
        try (Connection held = db.connect()) { // this JVM serves the file while a connection is open
            Properties lock = new Properties();
            lock.load(new StringReader(Files.readString(dir.resolve("culprit.lock.db"))));
            int port = Integer.parseInt(lock.getProperty("server").replaceFirst(".*:", ""));
            String viaKey = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + lock.getProperty("id");

            assertThat(ListeningSockets.on(port)).isNotEmpty().allSatisfy(a -> assertThat(a.isLoopbackAddress()).as(a.toString()).isTrue());
            assertThat(loginError(viaKey, "sa", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
            assertThat(loginError(viaKey, "CULPRIT_READER", "not-the-password")).isEqualTo(WRONG_USER_OR_PASSWORD);
            assertThat(loginError(viaKey, "CULPRIT_ADMIN", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
            // the same door with the right login opens: the refusals above are about the login, not the URL
            Properties logins = logins(dir);
            try (Connection c = new DatabaseAccess(viaKey, new DatabaseLogin("CULPRIT_READER", logins.getProperty("reader.password"))).connect();
                 Statement st = c.createStatement()) {
                assertThat(st.executeQuery("SELECT COUNT(*) FROM incidents").next()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE ALIAS RUN_AS_US FOR 'java.lang.Runtime.getRuntime'",
        "SELECT FILE_READ('/etc/hostname')",
        "RUNSCRIPT FROM '/tmp/culprit-evil.sql'",
        "CREATE USER intruder PASSWORD 'x' ADMIN",
        "CREATE TABLE planted (a INT)",
        "SET DB_CLOSE_DELAY 0",
    })
    void neitherThePipelineNorTheReaderCanRunCodeOrChangeTheSchema(String statement) {
        DataDirectory data = DataDirectory.prepare(parent.resolve("data"), notice -> { });
        Database pipeline = data.database("culprit");
        DatabaseAccess reader = data.reader("culprit");

        for (DatabaseAccess login : List.of(pipeline.access(), reader)) {
            assertThatThrownBy(() -> {
                try (Connection c = login.connect(); Statement st = c.createStatement()) {
                    st.execute(statement);
                }
            }).as(login.toString()).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isIn(ADMIN_RIGHTS_REQUIRED, 90096));
        }
    }

    @Test
    void thePipelineWritesRowsAndTheReaderOnlyReadsThem() throws Exception {
        DataDirectory data = DataDirectory.prepare(parent.resolve("data"), notice -> { });
        try (Connection c = data.database("culprit").connect(); Statement st = c.createStatement()) {
            st.execute(INCIDENT.formatted("a"));
        }
        try (Connection c = data.reader("culprit").connect(); Statement st = c.createStatement()) {
            assertThat(st.executeQuery("SELECT COUNT(*) FROM incidents").next()).isTrue();
            assertThatThrownBy(() -> st.execute("DELETE FROM incidents")).hasMessageContaining("Not enough rights");
        }
    }

    @Test
    void aSecretsFileOthersCanReadIsRefusedWithHowToFixIt() throws Exception {
        Path dir = parent.resolve("data");
        DataDirectory.prepare(dir, notice -> { });
        Path logins = dir.resolve("secrets/database.properties");
        Files.setPosixFilePermissions(logins, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> DataDirectory.existing(dir)).isInstanceOf(OwnerOnlyFile.UnsafeSecretFile.class)
                .hasMessageContaining(logins.toString()).hasMessageContaining("chmod 600");
        assertThatThrownBy(() -> DataDirectory.prepare(dir, notice -> { })).isInstanceOf(OwnerOnlyFile.UnsafeSecretFile.class);
    }

    @Test
    void readersNeverCreateADatabase() {
        Path dir = parent.resolve("data");
        DataDirectory data = DataDirectory.prepare(dir, notice -> { });

        assertThatThrownBy(() -> data.reader("culprit").connect()).isInstanceOf(SQLException.class).hasMessageContaining("not found");
        assertThat(dir.resolve("culprit.mv.db")).doesNotExist();
        assertThatThrownBy(() -> DataDirectory.existing(parent.resolve("elsewhere"))).hasMessageContaining("no Culprit database logins");
        assertThat(parent.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void anEarlierVersionsDirectoryIsSecuredInPlaceWithOneNotice() throws Exception {
        Path dir = Files.createDirectory(parent.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String url = Database.fileUrl(dir, "culprit");
        // as an earlier Culprit left it: H2's default admin without a password, the schema, one row
        Database.migrate(new DatabaseAccess(url, new DatabaseLogin("sa", "")), new DatabaseLogin("sa", ""), new DatabaseLogin("sa", ""));
        try (Connection c = new DatabaseAccess(url, new DatabaseLogin("sa", "")).connect(); Statement st = c.createStatement()) {
            st.execute(INCIDENT.formatted("kept"));
            st.execute("SHUTDOWN");
        }
        Files.setPosixFilePermissions(dir.resolve("culprit.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));

        List<String> notices = new ArrayList<>();
        Database db = DataDirectory.prepare(dir, notices::add).database("culprit");
        DataDirectory.prepare(dir, notices::add);

        assertThat(notices).singleElement().asString().contains("secured").contains("database.properties");
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("culprit.mv.db"))).isEqualTo("rw-------");
        assertThat(loginError(url, "sa", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT id FROM incidents");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("kept");
        }
    }

    private static int loginError(String url, String user, String password) {
        try (Connection c = new DatabaseAccess(url, new DatabaseLogin(user, password)).connect()) {
            return 0;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }

    private static Properties logins(Path dir) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(dir.resolve("secrets/database.properties"))));
        return p;
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
