package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Severity;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.EventArchive;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentStore;
import dev.culprit.storage.RawEventStore;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureCommandTest {

    /** Ten minutes of two hosts, ending half an hour ago: inside a "1h" but not a "20m". */
    private static final long T0 = (System.currentTimeMillis() - Duration.ofMinutes(40).toMillis()) / 1000 * 1000;

    @TempDir
    Path dataDir;

    @TempDir
    Path outDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Event> stored = new ArrayList<>();
    private Database db;

    @BeforeEach
    void storeTenMinutesOfTwoHosts() {
        db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");
        for (int s = 0; s < 600; s += 10) {
            long ts = T0 + s * 1000L;
            stored.add(new CpuSample("web1", "proc", ts, 1, 10_000, 5, 0, 5, s >= 200 && s < 300 ? 35 : 1, 0, 60, null, null, null));
            stored.add(new CpuSample("web2", "proc", ts, 1, 10_000, 5, 0, 5, 1, 0, 80, null, null, null));
        }
        stored.add(new PhpMail("web1", "phpmail", T0 + 250_000, 1, "/var/www/shop/contact.php", 42, PhpMail.Origin.FILE,
                List.of("owner@shop.example"), "Contact form", null, null));
        new RawEventStore(db).save(stored);
    }

    private int culprit(String... args) {
        return CulpritCli.execute(out, err, args);
    }

    private List<Event> stored(String host, long from, long to) {
        return stored.stream().filter(e -> e.host().equals(host) && e.ts() >= from && e.ts() < to)
                .sorted(java.util.Comparator.comparingLong(Event::ts)).toList();
    }

    private void incident(String id, long start, Long end) {
        Incident incident = new Incident("web1", "iowait-detector", start + 10_000, 1, id, IncidentKind.IOWAIT,
                Severity.WARNING, "iowait", start, end, end == null ? null : "condition cleared", "I/O wait on web1", List.of(), List.of());
        new IncidentStore(db).save(List.of(new Alert("web1", "iowait-detector", start + 10_000, 1,
                end == null ? Alert.State.FIRING : Alert.State.RESOLVED, incident)));
    }

    @Test
    void oneHostsRangeBecomesAnArchiveThatReadsBackAsStored() {
        Path archive = outDir.resolve("web1.culprit.gz");
        String from = Instant.ofEpochMilli(T0 + 100_000).toString();
        String to = Instant.ofEpochMilli(T0 + 200_000).toString();

        int exit = culprit("capture", "--from", from, "--to", to, "--host", "web1", "--out", archive.toString(),
                "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("captured 10 event(s) from web1 between " + from + " and " + to
                + " into " + archive + System.lineSeparator());
        assertThat(EventArchive.read(archive)).containsExactlyElementsOf(stored("web1", T0 + 100_000, T0 + 200_000));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aTimeBackFromNowTakesEveryHostUpToNowFromADatabaseNamedByUrl() throws Exception {
        Path archive = outDir.resolve("last-hour.culprit.gz");
        Path password = outDir.resolve("reader.password");
        OwnerOnlyFile.create(password, ConsoleCommandTest.secret(dataDir, "reader.password"));

        int exit = culprit("capture", "--from", "1h", "--out", archive.toString(), "--db", db.url(),
                "--db-user", "CULPRIT_READER", "--db-password-file", password.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("captured 121 event(s) from every host between ");
        assertThat(EventArchive.read(archive)).hasSize(121).containsExactlyInAnyOrderElementsOf(stored);
    }

    @Test
    void anIncidentIsCapturedOnItsHostWithTheMarginEitherSide() {
        incident("web1-iowait-1", T0 + 200_000, T0 + 300_000);
        Path archive = outDir.resolve("stall.culprit.gz");
        String id = IncidentId.of("web1-iowait-1");

        // the short id as `query incidents` lists it, pasted with the blanks a terminal selection brings along
        int exit = culprit("capture", "--incident", "  " + id + "\n", "--margin", "1m", "--out", archive.toString(),
                "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).isEqualTo("captured 23 event(s) around incident " + id + " (web1, margin 60 s) between "
                + Instant.ofEpochMilli(T0 + 140_000) + " and " + Instant.ofEpochMilli(T0 + 360_000) + " into " + archive
                + System.lineSeparator());
        List<Event> read = EventArchive.read(archive);
        assertThat(read).containsExactlyElementsOf(stored("web1", T0 + 140_000, T0 + 360_000));
        assertThat(read).anyMatch(e -> e instanceof PhpMail);
    }

    @Test
    void anOpenIncidentIsCapturedUpToNow() {
        incident("web1-iowait-2", T0 + 500_000, null);
        Path archive = outDir.resolve("open.culprit.gz");

        int exit = culprit("capture", "--incident", "web1-iowait-2", "--out", archive.toString(), "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        assertThat(EventArchive.read(archive)).containsExactlyElementsOf(stored("web1", T0 + 380_000, Long.MAX_VALUE));
    }

    @Test
    void anUnknownIncidentIsARuntimeFailureAndWritesNothing() {
        Path archive = outDir.resolve("none.culprit.gz");

        int exit = culprit("capture", "--incident", "web1-iowait-404", "--out", archive.toString(), "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("culprit capture: no incident 'web1-iowait-404' in " + dataDir.resolve("culprit.mv.db"));
        assertThat(archive).doesNotExist();
    }

    @Test
    void aTimeThatIsNeitherAnInstantNorADurationIsAUsageMistakeNamingTheOption() {
        int exit = culprit("capture", "--from", "yesterday", "--out", outDir.resolve("x.gz").toString(), "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--from").contains("'yesterday' is neither an ISO-8601 instant");
    }

    @Test
    void fromAfterToIsAUsageMistake() {
        int exit = culprit("capture", "--from", "10m", "--to", "1h", "--out", outDir.resolve("x.gz").toString(),
                "--data-dir", dataDir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("culprit capture: --from ").contains("is not before --to");
    }

    @Test
    void aDataDirectoryWithoutADatabaseIsAUsageMistake() {
        Path empty = outDir.resolve("nowhere");

        int exit = culprit("capture", "--from", "1h", "--out", outDir.resolve("x.gz").toString(), "--data-dir", empty.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no Culprit database in " + empty.toAbsolutePath());
        assertThat(empty).doesNotExist();
    }

    @Test
    void anEmptyRangeStillWritesAnArchiveAndSaysItIsEmpty() throws Exception {
        Path archive = outDir.resolve("quiet.culprit.gz");

        int exit = culprit("capture", "--from", "20m", "--out", archive.toString(), "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("captured 0 event(s) from every host");
        assertThat(err.toString()).contains("the archive is empty");
        assertThat(Files.exists(archive)).isTrue();
        assertThat(EventArchive.read(archive)).isEmpty();
    }
}
