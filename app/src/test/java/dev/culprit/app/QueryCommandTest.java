package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogin;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryCommandTest {

    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final String HOSTILE = "/x.php?q=50%_\"'; DROP TABLE incidents; --";

    @TempDir
    Path dir;

    private final long now = System.currentTimeMillis();

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = dev.culprit.app.Culprit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run query(String... args) {
        List<String> all = new ArrayList<>(List.of("query"));
        all.addAll(List.of(args));
        all.add("--data-dir");
        all.add(dir.toString());
        return run(all.toArray(String[]::new));
    }

    static Alert alert(String id, String host, IncidentKind kind, long start, Long end, Alert.State state, long ts,
                       List<Culprit> culprits, List<String> related) {
        Incident incident = new Incident(host, "detector", ts, 1, id, kind, Severity.CRITICAL, kind.name().toLowerCase(),
                start, end, end == null ? null : "condition cleared", kind.name().toLowerCase() + " on " + host + ", with a comma", culprits, related);
        return new Alert(host, "detector", ts, 1, state, incident);
    }

    static void write(IncidentStore store, long now) {
        store.save(List.of(
                alert("old-iowait", "web1", IncidentKind.IOWAIT, now - 30 * HOUR, now - 26 * HOUR, Alert.State.RESOLVED, now - 26 * HOUR,
                        List.of(new Culprit("process", "4211 dd", Map.of("writeBytesPerSec", 1e8))), List.of()),
                alert("long-iowait", "web1", IncidentKind.IOWAIT, now - 30 * HOUR, null, Alert.State.FIRING, now - 30 * HOUR,
                        List.of(new Culprit("process", "812 mariadbd", Map.of("blkioDelayMs", 10.0))), List.of()),
                alert("long-iowait", "web1", IncidentKind.IOWAIT, now - 30 * HOUR, null, Alert.State.UPDATE, now - 20 * HOUR,
                        List.of(new Culprit("process", "812 mariadbd", Map.of("blkioDelayMs", 950.0),
                                Map.of("cmdline", "/usr/sbin/mariadbd", "container", "docker-3f2a"))), List.of()),
                alert("dos-burst", "web2", IncidentKind.DOS, now - 2 * HOUR, now - HOUR, Alert.State.RESOLVED, now - HOUR,
                        List.of(new Culprit("client", "203.0.113.7", Map.of("deniedPerSec", 480.0)),
                                new Culprit("url", HOSTILE, Map.of("requestsPerSec", 300.0))), List.of()),
                alert("lookalike", "web2", IncidentKind.DOS, now - 3 * HOUR, now - 3 * HOUR + MINUTE, Alert.State.RESOLVED, now - 3 * HOUR,
                        List.of(new Culprit("client", "500 axb 198.51.100.9", Map.of())), List.of()),
                alert("mail-flood", "web1", IncidentKind.MAIL, now - 10 * MINUTE, null, Alert.State.FIRING, now - 10 * MINUTE,
                        List.of(new Culprit("script", "/var/www/contact.php", Map.of("mailsPerMin", 120.0))), List.of("long-iowait"))));
    }

    @BeforeEach
    void writeIncidents() {
        write(new IncidentStore(DataDirectory.prepare(dir, notice -> { }).database("culprit")), now);
    }

    private static List<String> column(String table, int col) {
        return table.lines().skip(1).map(l -> l.split("\\s{2,}")[col]).toList();
    }

    /** The short ids `query incidents` lists for these keys. */
    private static List<String> ids(String... keys) {
        return java.util.Arrays.stream(keys).map(IncidentId::of).toList();
    }

    /** `culprit query ...` as its own process, with the environment a terminal session would give it. */
    private Run queryProcess(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), dev.culprit.app.Culprit.class.getName(), "query"));
        command.addAll(List.of(args));
        command.addAll(List.of("--data-dir", dir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
        builder.environment().remove("COLUMNS");
        builder.environment().remove("NO_COLOR");
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(dir.resolve("stderr.txt")));
    }

    @Test
    void incidentsListsTheLastDayNewestFirstAsAnAlignedTable() throws Exception {
        Run r = queryProcess(Map.of("COLUMNS", "250"), "incidents");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("KIND", "SEVERITY", "HOST", "START", "END", "TOP CULPRIT", "SUMMARY");
        assertThat(column(r.out(), 0)).containsExactlyElementsOf(ids("mail-flood", "dos-burst", "lookalike", "long-iowait"));
        int culpritColumn = lines.get(0).indexOf("TOP CULPRIT");
        assertThat(lines.get(4).substring(culpritColumn)).startsWith("812 mariadbd");
        assertThat(lines.get(1)).contains(" open ");
    }

    @Test
    void onEightyColumnsTheTableFitsAndIdKindHostAndStartAreWhole() throws Exception {
        String longHost = "web-17.eu-west.example.com";
        new IncidentStore(DataDirectory.existing(dir).database("culprit")).save(List.of(alert("long-host", longHost, IncidentKind.DOS,
                now - 5 * MINUTE, null, Alert.State.FIRING, now - 5 * MINUTE,
                List.of(new Culprit("client", "198.51.100.23", Map.of("deniedPerSec", 40.0))), List.of())));

        Run r = queryProcess(Map.of("COLUMNS", "80"), "incidents");

        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(6).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        assertThat(lines.get(0)).startsWith("ID").contains("KIND", "SEVERITY", "HOST", "START");
        assertThat(column(r.out(), 0)).containsExactlyElementsOf(ids("long-host", "mail-flood", "dos-burst", "lookalike", "long-iowait"));
        assertThat(column(r.out(), 1)).containsExactly("dos", "mail", "dos", "dos", "iowait");
        assertThat(r.out()).contains("  " + longHost + "  ")
                .contains(QueryCommand.Output.local(now - 30 * HOUR)).doesNotContain("\u001b");
        // wider, nothing is left out
        Run wide = queryProcess(Map.of("COLUMNS", "250", "NO_COLOR", "1"), "incidents");
        assertThat(wide.out().lines().findFirst().orElseThrow()).contains("TOP CULPRIT", "SUMMARY");
        assertThat(wide.out()).contains("mail on web1, with a comma").doesNotContain("\u001b");
    }

    @Test
    void everyFilterNarrowsTheList() {
        assertThat(column(query("incidents", "--kind", "dos").out(), 0)).containsExactlyElementsOf(ids("dos-burst", "lookalike"));
        assertThat(column(query("incidents", "--host", "WEB1").out(), 0)).containsExactlyElementsOf(ids("mail-flood", "long-iowait"));
        assertThat(column(query("incidents", "--culprit", "MariaDB").out(), 0)).containsExactlyElementsOf(ids("long-iowait"));
        assertThat(column(query("incidents", "--open").out(), 0)).containsExactlyElementsOf(ids("mail-flood", "long-iowait"));
        assertThat(column(query("incidents", "--since", "48h").out(), 0))
                .containsExactlyElementsOf(ids("mail-flood", "dos-burst", "lookalike", "long-iowait", "old-iowait"));
        assertThat(column(query("incidents", "--since", "48h", "--until", "25h").out(), 0)).containsExactlyElementsOf(ids("long-iowait", "old-iowait"));
        String isoSince = Instant.ofEpochMilli(now - 50 * MINUTE).toString();
        assertThat(column(query("incidents", "--since", isoSince).out(), 0)).containsExactlyElementsOf(ids("mail-flood", "long-iowait"));
        assertThat(column(query("incidents", "--kind", "iowait", "--host", "web1", "--open", "--culprit", "812").out(), 0))
                .containsExactlyElementsOf(ids("long-iowait"));
    }

    @Test
    void aLocalDateTimeIsReadInThisMachinesZone() {
        String local = java.time.LocalDateTime.ofInstant(Instant.ofEpochMilli(now - 50 * MINUTE), java.time.ZoneId.systemDefault())
                .withNano(0).toString();
        assertThat(column(query("incidents", "--since", local.replace('T', ' ')).out(), 0)).containsExactlyElementsOf(ids("mail-flood", "long-iowait"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"'; DROP TABLE incidents; --", "%", "_\"", "50%_", "\"'", "DROP TABLE"})
    void hostileCulpritTextIsMatchedLiterally(String text) {
        Run r = query("incidents", "--culprit", text);

        assertThat(r.exit()).isZero();
        assertThat(column(r.out(), 0)).containsExactlyElementsOf(ids("dos-burst"));
        assertThat(query("sql", "SELECT COUNT(*) FROM incidents", "--format", "csv").out()).isEqualTo("count(*)\r\n5\r\n");
    }

    @Test
    void jsonIsOneIncidentPerLineInTheDocumentedSchema() throws Exception {
        Run r = query("incidents", "--format", "json");

        assertThat(r.exit()).isZero();
        List<JsonNode> incidents = r.out().lines().map(QueryCommandTest::json).toList();
        assertThat(incidents).hasSize(4).allSatisfy(i -> {
            assertThat(i.get("schema").asText()).isEqualTo("culprit.incident/1");
            assertThat(i.get("id").asText()).isEqualTo(IncidentId.of(i.get("key").asText()));
            assertThat(Instant.parse(i.get("start").asText()).toEpochMilli()).isEqualTo(i.get("startMs").asLong());
        });
        JsonNode longIowait = incidents.get(3);
        assertThat(fieldNames(longIowait)).containsExactly("schema", "id", "key", "kind", "severity", "host", "rule", "start", "startMs",
                "end", "endMs", "open", "resolution", "summary", "culprits", "timeline", "linked");
        assertThat(longIowait.get("key").asText()).isEqualTo("long-iowait");
        assertThat(longIowait.get("open").asBoolean()).isTrue();
        assertThat(longIowait.get("end").isNull()).isTrue();
        assertThat(longIowait.get("endMs").isNull()).isTrue();
        assertThat(longIowait.get("resolution").isNull()).isTrue();
        assertThat(incidents).filteredOn(i -> !i.get("open").asBoolean())
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.get("resolution").asText()).isEqualTo("condition cleared"));
        assertThat(longIowait.get("culprits").get(0).get("name").asText()).isEqualTo("812 mariadbd");
        assertThat(longIowait.get("culprits").get(0).get("details").get("cmdline").asText()).isEqualTo("/usr/sbin/mariadbd");
        assertThat(longIowait.get("start").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(longIowait.get("startMs").asLong()).isEqualTo(now - 30 * HOUR);
        assertThat(longIowait.get("timeline").get(1).get("state").asText()).isEqualTo("update");
        assertThat(longIowait.get("linked").get(0).get("id").asText()).isEqualTo(IncidentId.of("mail-flood"));
    }

    @Test
    void oneIncidentIsTheSameObjectAsInTheList() throws Exception {
        JsonNode listed = query("incidents", "--format", "json").out().lines().map(QueryCommandTest::json)
                .filter(i -> i.get("key").asText().equals("dos-burst")).findFirst().orElseThrow();

        Run one = query("incident", IncidentId.of("dos-burst"), "--format", "json");

        assertThat(one.exit()).isZero();
        assertThat(one.out().lines()).hasSize(1);
        assertThat(json(one.out())).isEqualTo(listed);
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void csvHasAHeaderAndOneRecordPerIncidentEvenWithCommasAndQuotes() {
        Run r = query("incidents", "--format", "csv", "--culprit", "");

        List<List<String>> records = parseCsv(r.out());
        assertThat(records).hasSize(5);
        assertThat(records.get(0)).containsExactly("id", "key", "kind", "severity", "host", "rule", "start", "end",
                "top_culprit_role", "top_culprit", "summary");
        assertThat(records.get(1).subList(0, 2)).containsExactly(IncidentId.of("mail-flood"), "mail-flood");
        assertThat(records.get(1).get(10)).isEqualTo("mail on web1, with a comma");
        assertThat(records).allSatisfy(rec -> assertThat(rec).hasSize(11));
    }

    @Test
    void oneIncidentShowsEvidenceDetailsTimelineAndLinks() {
        // its short id as pasted from the list, with the blanks a terminal selection brings along
        Run r = query("incident", " " + IncidentId.of("long-iowait") + "\n");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Incident " + IncidentId.of("long-iowait") + "  iowait", "key      long-iowait", "1. process  812 mariadbd")
                .containsPattern("blkioDelayMs\\s+950")
                .containsPattern("cmdline\\s+/usr/sbin/mariadbd")
                .containsPattern("container\\s+docker-3f2a")
                .containsPattern("(?s)Timeline\\n.*firing.*\\n.*update")
                .containsPattern("(?s)Linked incidents\\n\\s+" + IncidentId.of("mail-flood") + "\\s+mail\\s+web1");
        assertThat(query("incident", "  long-iowait ").out()).isEqualTo(r.out());
    }

    @Test
    void oneIncidentAsJson() throws Exception {
        JsonNode incident = new ObjectMapper().readTree(query("incident", "dos-burst", "--format", "json").out());

        assertThat(incident.get("id").asText()).isEqualTo(IncidentId.of("dos-burst"));

        assertThat(incident.get("culprits")).hasSize(2);
        assertThat(incident.get("culprits").get(1).get("name").asText()).isEqualTo(HOSTILE);
        assertThat(incident.get("culprits").get(0).get("evidence").get("deniedPerSec").asDouble()).isEqualTo(480.0);
        assertThat(incident.get("timeline").get(0).get("state").asText()).isEqualTo("resolved");
        assertThat(incident.get("linked")).isEmpty();
    }

    @Test
    void anUnknownIncidentIsARuntimeFailure() {
        Run r = query("incident", "no-such-id");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no incident 'no-such-id'");
    }

    @Test
    void sqlRunsAReadInEveryFormat() throws Exception {
        String select = "SELECT id, end_ts, " + IncidentId.SQL + " AS short_id, 1 AS \"Quoted\" FROM incidents WHERE host = 'web2' "
                + "ORDER BY start_ts DESC";

        Run table = query("sql", select);
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).hasSize(3);
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("id\\s+end_ts\\s+short_id\\s+Quoted");

        List<List<String>> csv = parseCsv(query("sql", select, "--format", "csv").out());
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).containsExactly("id", "end_ts", "short_id", "Quoted");

        // keys as the query wrote them, one row per line, and the id H2 computes is the one the list shows
        List<JsonNode> rows = query("sql", select, "--format", "json").out().lines().map(QueryCommandTest::json).toList();
        assertThat(rows).hasSize(2);
        assertThat(fieldNames(rows.get(0))).containsExactly("id", "end_ts", "short_id", "Quoted");
        assertThat(rows.get(0).get("id").asText()).isEqualTo("dos-burst");
        assertThat(rows.get(0).get("end_ts").asLong()).isEqualTo(now - HOUR);
        assertThat(rows.get(0).get("short_id").asText()).isEqualTo(IncidentId.of("dos-burst"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO related_incidents VALUES ('dos-burst', 'x')",
        "UPDATE incidents SET host = 'x'",
        "DELETE FROM incidents",
        "DROP TABLE incidents",
        "CREATE TABLE x (a INT)",
        "MERGE INTO related_incidents KEY (incident_id, related_id) VALUES ('dos-burst', 'x')",
        "SELECT 1; DROP TABLE incidents",
        "CALL FILE_WRITE('x', '/tmp/culprit-query-test')",
        "SELECT * FROM FINAL TABLE (DELETE FROM alerts)",
    })
    void sqlRefusesWritesAsAUsageMistakeAndLeavesTheDataAlone(String statement) {
        Run r = query("sql", statement);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("refused");
        assertThat(query("sql", "SELECT COUNT(*) FROM incidents", "--format", "csv").out()).isEqualTo("count(*)\r\n5\r\n");
        assertThat(query("sql", "SELECT COUNT(*) FROM alerts", "--format", "csv").out()).isEqualTo("count(*)\r\n6\r\n");
    }

    @Test
    void sqlErrorsFromTheDatabaseAreRuntimeFailures() {
        Run r = query("sql", "SELECT nope FROM incidents");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("NOPE");
    }

    @Test
    void mistakesInTheCommandLineExitWithTwo() {
        assertThat(run("query", "incidents", "--data-dir", dir.resolve("missing").toString()).exit()).isEqualTo(2);
        assertThat(query("incidents", "--since", "yesterday").exit()).isEqualTo(2);
        assertThat(query("incidents", "--since", "1h", "--until", "2h").exit()).isEqualTo(2);
        assertThat(query("incidents", "--kind", "cpu").exit()).isEqualTo(2);
        assertThat(run("query", "incidents", "--db", "jdbc:postgresql://x/y").exit()).isEqualTo(2);
        assertThat(run("query", "incidents", "--db", "jdbc:h2:mem:x", "--data-dir", dir.toString()).exit()).isEqualTo(2);
        assertThat(query("incident", "long-iowait", "--format", "csv").exit()).isEqualTo(2);
        assertThat(run("query").exit()).isEqualTo(2);
        // and nothing was created where the database was missing
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void readsARemoteH2TcpServer() throws Exception {
        Path serverDir = Files.createDirectory(dir.resolve("server"));
        Server server = Server.createTcpServer("-tcpPort", "0", "-baseDir", serverDir.toString(), "-ifNotExists").start();
        try {
            String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/culprit";
            // the remote H2 gave Culprit one account; its password lives in a file only we can read
            DatabaseAccess account = new DatabaseAccess(url, new DatabaseLogin("CULPRIT_REMOTE", "remote-secret"));
            write(new IncidentStore(Database.migrate(account, account.login(), account.login())), now);
            Path password = dir.resolve("remote.password");
            OwnerOnlyFile.create(password, "remote-secret\n");
            String[] login = {"--db", url, "--db-user", "CULPRIT_REMOTE", "--db-password-file", password.toString()};

            Run incidents = run(concat(new String[] {"query", "incidents", "--open"}, login));
            assertThat(incidents.exit()).as(incidents.err()).isZero();
            assertThat(column(incidents.out(), 0)).containsExactlyElementsOf(ids("mail-flood", "long-iowait"));
            assertThat(run(concat(new String[] {"query", "incident", IncidentId.of("mail-flood")}, login)).out())
                    .contains("key      mail-flood").contains(IncidentId.of("long-iowait"));
            Run drop = run(concat(new String[] {"query", "sql", "SELECT 1; DROP TABLE incidents"}, login));
            assertThat(drop.exit()).isEqualTo(2);
            assertThat(run(concat(new String[] {"query", "sql", "SELECT COUNT(*) FROM incidents", "--format", "csv"}, login)).out())
                    .isEqualTo("count(*)\r\n5\r\n");
            Run noPassword = run("query", "incidents", "--db", url, "--db-user", "CULPRIT_REMOTE");
            assertThat(noPassword.exit()).isEqualTo(2);
            assertThat(noPassword.err()).contains("--db-password-file").contains("CULPRIT_DB_PASSWORD");
        } finally {
            server.stop();
        }
    }

    @Test
    void aUrlThatWouldRunAScriptIsRefusedBeforeAnythingRuns() throws Exception {
        Path evil = dir.resolve("evil.sql");
        Files.writeString(evil, "CREATE TABLE planted (a INT);");
        String url = "jdbc:h2:file:" + dir.resolve("culprit") + ";INIT=RUNSCRIPT FROM '" + evil + "'";
        Path password = dir.resolve("password");
        OwnerOnlyFile.create(password, "whatever");

        Run r = run("query", "incidents", "--db", url, "--db-password-file", password.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("INIT").contains("not allowed");
        assertThat(query("sql", "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'PLANTED'", "--format", "csv").out())
                .isEqualTo("count(*)\r\n0\r\n");
    }

    @Test
    void aUrlToADatabaseThatDoesNotExistCreatesNone() throws Exception {
        Path password = dir.resolve("password");
        OwnerOnlyFile.create(password, "whatever");
        Path elsewhere = dir.resolve("new");

        Run r = run("query", "incidents", "--db", "jdbc:h2:" + elsewhere.resolve("culprit"), "--db-password-file", password.toString());

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("not found");
        assertThat(elsewhere).doesNotExist();
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedWithHowToFixIt() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "secret");
        Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        Run r = run("query", "incidents", "--db", "jdbc:h2:tcp://127.0.0.1:9/culprit", "--db-password-file", password.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("chmod 600 " + password.toAbsolutePath());
    }

    private static String[] concat(String[] command, String[] options) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.Arrays.stream(options)).toArray(String[]::new);
    }

    /** The pipeline in another process keeps writing; AUTO_SERVER lets this one read the same file. */
    @Test
    void readsTheEmbeddedFileWhileAnotherProcessWritesIt() throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("writing")) {
                // skip log lines until the writer has the file open
            }
            assertThat(line).isEqualTo("writing");
            int before = 0;
            for (int round = 0; round < 3; round++) {
                Run r = query("incidents", "--host", "live", "--format", "csv", "--limit", "100000");
                assertThat(r.exit()).as(r.err()).isZero();
                int rows = parseCsv(r.out()).size() - 1;
                assertThat(rows).isGreaterThanOrEqualTo(before);
                before = rows;
                Thread.sleep(200);
            }
            assertThat(before).isPositive();
            assertThat(writer.isAlive()).isTrue();
        } finally {
            writer.destroy();
            writer.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A stand-in pipeline: opens the database first (so it hosts the AUTO_SERVER) and writes an alert every 20 ms. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            Database db = DataDirectory.prepare(Path.of(args[0]), notice -> { }).database("culprit");
            IncidentStore store = new IncidentStore(db);
            // keep the database open in this process between batches
            try (var held = db.connect()) {
                long now = System.currentTimeMillis();
                for (int n = 0; ; n++) {
                    store.save(List.of(alert("live-" + n, "live", IncidentKind.IOWAIT, now + n, null, Alert.State.FIRING, now + n,
                            List.of(new Culprit("process", "1 live", Map.of())), List.of())));
                    if (n == 0) {
                        System.out.println("writing");
                        System.out.flush();
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                field.append(c);
            }
        }
        assertThat(field.length()).as("text after the last CRLF").isZero();
        return records;
    }
}
