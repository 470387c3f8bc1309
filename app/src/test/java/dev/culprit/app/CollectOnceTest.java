package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.culprit.events.ApacheStatus;
import dev.culprit.collectors.access.AccessLogFormat;
import dev.culprit.events.AccessTally;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code culprit collect --once PATH...} on logs copied from another machine and on /proc captures. */
class CollectOnceTest {

    private static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured");

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int culprit(String... args) {
        return CulpritCli.execute(new StringWriter(), err, args);
    }

    @Test
    void aDirectoryOfLogsIsReadRotatedAndCompressedTooAndWhatItCannotReadIsListedWithTheReason() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("var-log"));
        // php's mail.log rotated once: its first 100 lines in mail.log.1, the rest in mail.log
        List<String> mail = Files.readAllLines(CAPTURED.resolve("phpmail/file-mail-log.txt"));
        Files.write(logs.resolve("mail.log.1"), mail.subList(0, 100));
        Files.write(logs.resolve("mail.log"), mail.subList(100, mail.size()));
        byte[] errorLog = Files.readAllBytes(CAPTURED.resolve("evasive/run1-writable-apache-error.txt"));
        gzip(logs.resolve("error.log.2.gz"), errorLog);
        Files.copy(CAPTURED.resolve("phpmail/php-ini-syslog-mode.txt"), logs.resolve("php.ini"));
        Path apache = Files.createDirectories(logs.resolve("apache2"));
        Files.copy(CAPTURED.resolve("access/combined-access.txt"), apache.resolve("access.log"));
        // a compressed log cut short while being copied: gzip's header and nothing more
        byte[] whole = gzip(dir.resolve("whole.gz"), errorLog);
        Files.write(logs.resolve("error.log.1.gz"), Arrays.copyOf(whole, 10));
        // mod_evasive's DOSLogDir, copied as cp -a copies it: each dos-<IP> file keeps its mtime
        Path dosLogDir = Files.createDirectories(logs.resolve("evasive"));
        try (var files = Files.list(CAPTURED.resolve("evasive/run1-writable-doslogdir"))) {
            for (Path file : files.toList()) {
                Files.copy(file, dosLogDir.resolve(file.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path archive = dir.resolve("once.jsonl.gz");

        int exit = culprit("collect", "--once", "--host", "web1", "--out", archive.toString(), logs.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<Event> events = EventArchive.read(archive);
        long mailLines = mail.stream().filter(l -> l.contains("mail() on [")).count();
        assertThat(events).filteredOn(PhpMail.class::isInstance).hasSize((int) mailLines);
        assertThat(events).filteredOn(e -> e instanceof EvasiveEvent evasive && !evasive.source().equals("doslogdir")).isNotEmpty();
        assertThat(events).filteredOn(e -> e instanceof EvasiveEvent evasive && evasive.source().equals("doslogdir"))
                .extracting(e -> ((EvasiveEvent) e).client(), Event::ts)
                .containsExactlyInAnyOrder(blacklisted(dosLogDir, "127.0.0.66"), blacklisted(dosLogDir, "127.0.0.67"),
                        blacklisted(dosLogDir, "127.0.0.68"));
        // the access log folded per client, vhost and second, every request counted
        List<String> access = Files.readAllLines(CAPTURED.resolve("access/combined-access.txt"));
        long accessLines = access.size();
        AccessLogFormat combined = AccessLogFormat.compile(AccessLogFormat.COMBINED);
        long requests = access.stream().filter(l -> combined.read(l) instanceof AccessLogFormat.Request).count();
        assertThat(requests).isPositive();
        assertThat(events.stream().filter(AccessTally.class::isInstance).mapToLong(e -> ((AccessTally) e).requests()).sum())
                .isEqualTo(requests);
        // each tally says where its first line is, and each event of a log its own line
        assertThat(events).filteredOn(AccessTally.class::isInstance).map(e -> (AccessTally) e)
                .allSatisfy(t -> assertThat(t.file()).isEqualTo(apache.resolve("access.log").toString()))
                .extracting(AccessTally::offset).doesNotContainNull().contains(0L).doesNotHaveDuplicates();
        assertThat(events).filteredOn(PhpMail.class::isInstance).map(e -> (PhpMail) e)
                .allSatisfy(m -> assertThat(m.file()).isIn(logs.resolve("mail.log.1").toString(), logs.resolve("mail.log").toString()))
                .extracting(PhpMail::offset).doesNotContainNull();
        // the older rotation first, so that the archive holds the log in its own order
        assertThat(events).filteredOn(PhpMail.class::isInstance).extracting(Event::ts).isSorted();
        String said = err.toString();
        assertThat(said).contains(
                "culprit: " + logs.resolve("error.log.2.gz") + ": "
                        + Files.readAllLines(CAPTURED.resolve("evasive/run1-writable-apache-error.txt")).size() + " read, ",
                "culprit: " + logs.resolve("mail.log.1") + ": 100 read, 100 event(s), 0 unparseable, 0 dropped",
                "culprit: " + logs.resolve("mail.log") + ": " + (mail.size() - 100) + " read, ",
                "culprit: " + dosLogDir + ": 1 read, 3 event(s), 0 unparseable, 0 dropped",
                "culprit: " + apache.resolve("access.log") + ": " + accessLines + " read, ",
                "culprit: skipped " + logs.resolve("php.ini")
                        + ": not a mod_evasive, PHP mail() or Apache access log: none of its first 1000 lines is one",
                "culprit: skipped " + logs.resolve("error.log.1.gz") + ": unreadable: Unexpected end of ZLIB input stream");
        assertThat(said.indexOf("mail.log.1:")).isLessThan(said.indexOf("mail.log:"));
    }

    @Test
    void aProcCaptureGivesTheSamplesOfEachSnapshotAfterTheFirst() throws IOException {
        Path archive = dir.resolve("dd.jsonl.gz");

        int exit = culprit("collect", "--once", "--host", "vm", "--out", archive.toString(),
                CAPTURED.resolve("proc/dd-write").toString());

        assertThat(exit).as(err.toString()).isZero();
        List<Event> events = EventArchive.read(archive);
        assertThat(events).hasAtLeastOneElementOfType(CpuSample.class);
        assertThat(events).filteredOn(DiskSample.class::isInstance).extracting(e -> ((DiskSample) e).device()).containsOnly("vda");
        assertThat(events).filteredOn(ProcessIoSample.class::isInstance).extracting(e -> ((ProcessIoSample) e).comm())
                .contains("dd");
        assertThat(err.toString()).contains("culprit: " + CAPTURED.resolve("proc/dd-write") + ": 3 read, " + events.size()
                + " event(s), 0 unparseable, 0 dropped");
    }

    @Test
    void savedStatusPagesAreReadAtTheirCaptureTimes() throws IOException {
        Path archive = dir.resolve("apache.jsonl.gz");

        int exit = culprit("collect", "--once", "--host", "web1", "--out", archive.toString(), CAPTURED.resolve("apache").toString());

        assertThat(exit).as(err.toString()).isZero();
        List<Event> events = EventArchive.read(archive);
        assertThat(events).hasSize(15).allSatisfy(e -> assertThat(e).isInstanceOf(ApacheStatus.class));
        assertThat(err.toString()).contains("culprit: " + CAPTURED.resolve("apache") + ": 15 read, 15 event(s), 0 unparseable");
    }

    @Test
    void aTreeOfCapturesReadsEachAndSaysWhatElseIsThere() throws IOException {
        Path archive = dir.resolve("all.jsonl.gz");

        int exit = culprit("collect", "--once", "--out", archive.toString(), CAPTURED.resolve("proc").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains(
                "culprit: " + CAPTURED.resolve("proc/idle") + ": 2 read",
                "culprit: " + CAPTURED.resolve("proc/cgroup-samples") + ": 1 read, 0 event(s)",
                "culprit: " + CAPTURED.resolve("proc/wrapper-reap/sudo") + ": ",
                "culprit: skipped " + CAPTURED.resolve("proc/SOURCE.md") + ": not a ");
    }

    @Test
    void nothingReadableIsAMistakeThatListsWhatWasTried() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.copy(CAPTURED.resolve("phpmail/php-ini-syslog-mode.txt"), logs.resolve("php.ini"));
        Files.createFile(logs.resolve("mail.log"));

        int exit = culprit("collect", "--once", "--out", dir.resolve("none.jsonl.gz").toString(), logs.toString(),
                dir.resolve("absent").toString());

        assertThat(exit).isEqualTo(Culprit.EXIT_USAGE);
        assertThat(err.toString()).contains(
                "culprit: skipped " + logs.resolve("php.ini") + ": not a mod_evasive, PHP mail() or Apache access log",
                "culprit: skipped " + logs.resolve("mail.log") + ": empty",
                "culprit: skipped " + dir.resolve("absent") + ": no such file",
                "culprit collect --once: nothing to read; pass --kind evasive|phpmail|access if a file is such a log");
    }

    @Test
    void aLogWeMayNotReadIsListedAsSuch() throws IOException {
        assumeFalse(System.getProperty("user.name").equals("root"), "root reads every file");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.copy(CAPTURED.resolve("phpmail/file-mail-log.txt"), logs.resolve("mail.log"));
        Path secret = Files.copy(CAPTURED.resolve("phpmail/file-mail-log.txt"), logs.resolve("mail.log.1"));
        Files.setPosixFilePermissions(secret, java.util.Set.of());

        int exit = culprit("collect", "--once", "--out", dir.resolve("some.jsonl.gz").toString(), logs.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("culprit: skipped " + secret + ": unreadable: permission denied");
    }

    @Test
    void withoutPathsTheConfigsSourcesAreReadOnce() throws IOException {
        Path mailLog = Files.copy(CAPTURED.resolve("phpmail/file-mail-log.txt"), dir.resolve("mail.log"));
        Path config = Files.writeString(dir.resolve("collector.yaml"), "host: web1\nsources:\n"
                + "  proc:\n    root: " + CAPTURED.resolve("proc/child-exit").toAbsolutePath() + "\n"
                + "  phpmail:\n    enabled: true\n    log: " + mailLog + "\n");
        Path archive = dir.resolve("configured.jsonl.gz");

        int exit = culprit("collect", "--once", "--config", config.toString(), "--out", archive.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).contains("culprit: proc: 3 read, ", "culprit: phpmail-log: 211 read, 211 event(s)");
        assertThat(EventArchive.read(archive)).hasAtLeastOneElementOfType(DiskSample.class).hasAtLeastOneElementOfType(PhpMail.class)
                .allSatisfy(e -> assertThat(e.host()).isEqualTo("web1"));
    }

    private static Tuple blacklisted(Path dosLogDir, String client) throws IOException {
        return tuple(client, Files.getLastModifiedTime(dosLogDir.resolve("dos-" + client)).toMillis());
    }

    private static byte[] gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return Files.readAllBytes(file);
    }
}
