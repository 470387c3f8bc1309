package dev.culprit.collectors.evasive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.EvasiveEvent.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DosLogDirWatcherTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/evasive");
    // "-rw-r--r-- 1 www-data www-data 5 2026-11-29 20:39:39.171380450 +0000 dos-127.0.0.66"
    private static final Pattern LISTED = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d\\.\\d+) \\+0000 (dos-\\S+)");

    @TempDir
    Path dosLogDir;

    /** The run-1 DOSLogDir as mod_evasive left it: the captured files with the mtimes ls showed. */
    @BeforeEach
    void restoreCapturedDosLogDir() throws IOException {
        for (String line : Files.readAllLines(CAPTURED.resolve("run1-writable-doslogdir-listing.txt"), StandardCharsets.UTF_8)) {
            Matcher listed = LISTED.matcher(line);
            if (listed.find()) {
                Path file = Files.copy(CAPTURED.resolve("run1-writable-doslogdir").resolve(listed.group(3)),
                        dosLogDir.resolve(listed.group(3)));
                Instant mtime = LocalDateTime.parse(listed.group(1) + "T" + listed.group(2)).toInstant(ZoneOffset.UTC);
                Files.setLastModifiedTime(file, FileTime.from(mtime));
            }
        }
        try (Stream<Path> files = Files.list(dosLogDir)) {
            assertThat(files).hasSize(3);
        }
    }

    @Test
    void forensicsReportsEveryBlacklistingWithItsTimeAndBlockingChild() throws IOException {
        assertThat(readToEnd(new DosLogDirWatcher(dosLogDir, "vm")))
                .extracting(EvasiveEvent::kind, EvasiveEvent::client, EvasiveEvent::ts, EvasiveEvent::detail, EvasiveEvent::count)
                .containsExactly(
                        // the same addresses, children and milliseconds as the syslog Blacklisting lines
                        tuple(Kind.BLACKLISTED, "127.0.0.67", 1795984779164L, "child pid 8103", 1L),
                        tuple(Kind.BLACKLISTED, "127.0.0.66", 1795984779171L, "child pid 8099", 1L),
                        tuple(Kind.BLACKLISTED, "127.0.0.68", 1795984779470L, "child pid 8098", 1L));
    }

    @Test
    void liveWatchingTakesWhatIsThereAsOldNewsAndReportsEachNewFileOnce() throws IOException {
        DosLogDirWatcher watcher = new DosLogDirWatcher(dosLogDir, "vm");
        assertThat(poll(watcher)).isEmpty();

        Path newcomer = Files.copy(dosLogDir.resolve("dos-127.0.0.66"), dosLogDir.resolve("dos-203.0.113.9"));
        Files.setLastModifiedTime(newcomer, FileTime.from(Instant.parse("2026-11-29T20:45:00Z")));

        assertThat(poll(watcher)).singleElement().satisfies(e -> {
            assertThat(e.client()).isEqualTo("203.0.113.9");
            assertThat(e.ts()).isEqualTo(Instant.parse("2026-11-29T20:45:00Z").toEpochMilli());
            assertThat(e.source()).isEqualTo(DosLogDirWatcher.SOURCE);
        });
        assertThat(poll(watcher)).isEmpty();
    }

    @Test
    void anAddressUnblockedByDeletingItsFileAndBlacklistedAgainCountsAgain() throws IOException {
        DosLogDirWatcher watcher = new DosLogDirWatcher(dosLogDir, "vm");
        poll(watcher);

        Files.delete(dosLogDir.resolve("dos-127.0.0.66"));
        assertThat(poll(watcher)).isEmpty();
        Path again = Files.writeString(dosLogDir.resolve("dos-127.0.0.66"), "8321\n");
        Files.setLastModifiedTime(again, FileTime.from(Instant.parse("2026-11-29T21:00:00Z")));

        assertThat(poll(watcher)).extracting(EvasiveEvent::client, EvasiveEvent::detail)
                .containsExactly(tuple("127.0.0.66", "child pid 8321"));
    }

    @Test
    void otherFilesAndAMissingDirectoryGiveNothing() throws IOException {
        Files.writeString(dosLogDir.resolve("README"), "not mod_evasive's\n");
        Files.writeString(dosLogDir.resolve("dos-not-an-address"), "1\n");
        assertThat(readToEnd(new DosLogDirWatcher(dosLogDir, "vm"))).hasSize(3);

        assertThat(readToEnd(new DosLogDirWatcher(dosLogDir.resolve("absent"), "vm"))).isEmpty();
    }

    private static List<EvasiveEvent> poll(DosLogDirWatcher watcher) throws IOException {
        List<EvasiveEvent> written = new ArrayList<>();
        watcher.poll((events, positions) -> written.addAll(events.stream().map(EvasiveEvent.class::cast).toList()));
        return written;
    }

    private static List<EvasiveEvent> readToEnd(DosLogDirWatcher watcher) throws IOException {
        List<EvasiveEvent> written = new ArrayList<>();
        watcher.readToEnd((events, positions) -> written.addAll(events.stream().map(EvasiveEvent.class::cast).toList()));
        return written;
    }
}
