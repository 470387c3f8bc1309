package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive of two hosts' captures written one after the other (as {@code collect --once} of two
 * logs writes them) comes out in event-time order, from runs much smaller than the archive.
 */
class TimeOrderedArchiveTest {

    private static final long T0 = 1_796_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void eventsComeOutInTimeOrderAcrossManyRunsAndEqualTimesKeepArchiveOrder() {
        List<Event> written = new ArrayList<>();
        for (String host : List.of("web-b", "web-a")) {
            for (int s = 0; s < 2_000; s++) {
                written.add(sample(host, T0 + s * 1000L, s));
            }
        }
        Path archive = archive(written);

        List<Event> read = new ArrayList<>();
        // chunks of ~8 KiB: dozens of runs for this archive
        try (TimeOrderedArchive sorted = TimeOrderedArchive.sort(archive, dir.resolve("scratch"), 8 << 10, n -> { })) {
            assertThat(sorted.runs().files()).hasSizeGreaterThan(20);
            try (TimeOrderedArchive.Merged merged = sorted.runs().open()) {
                for (EncodedEvent e = merged.next(); e != null; e = merged.next()) {
                    read.add(e.decode());
                }
            }
            assertThat(sorted.count()).isEqualTo(4_000);
            assertThat(sorted.firstTs()).isEqualTo(T0);
            assertThat(sorted.lastTs()).isEqualTo(T0 + 1_999_000);
            assertThat(sorted.lastTsByHost()).isEqualTo(Map.of("web-a", T0 + 1_999_000, "web-b", T0 + 1_999_000));
        }

        assertThat(read).hasSize(written.size()).containsExactlyInAnyOrderElementsOf(written);
        assertThat(read).isSortedAccordingTo((x, y) -> Long.compare(x.ts(), y.ts()));
        // web-b came first in the archive, so at each second web-b's sample comes first
        for (int i = 0; i < read.size(); i += 2) {
            assertThat(read.get(i).host()).as("event %d", i).isEqualTo("web-b");
            assertThat(read.get(i + 1).host()).isEqualTo("web-a");
        }
        assertThat(dir.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void aBadLineIsReportedWithItsFileAndLineAndNoRunsAreLeftBehind() throws Exception {
        Path archive = archive(List.of(sample("web-a", T0, 1)));
        Path broken = dir.resolve("broken.culprit.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(broken))) {
            String header = new String(new java.util.zip.GZIPInputStream(Files.newInputStream(archive)).readAllBytes())
                    .lines().findFirst().orElseThrow();
            out.write((header + "\n{\"topic\":\"culprit.cpu\",\"event\":{\"ts\":1}}\n").getBytes());
        }

        assertThatThrownBy(() -> TimeOrderedArchive.sort(broken, dir.resolve("scratch"), 8 << 10, n -> { }))
                .isInstanceOf(EventArchive.UnusableArchive.class)
                .hasMessageStartingWith(broken + ":2: CpuSample: missing field");
        assertThat(dir.resolve("scratch")).isEmptyDirectory();
    }

    @Test
    void aLineInAnotherFieldOrderOrWithMoreFieldsReadsAsTheSameEvent() throws Exception {
        Event event = sample("web-a", T0, 1);
        Path archive = archive(List.of(event));
        List<String> lines = new String(new java.util.zip.GZIPInputStream(Files.newInputStream(archive)).readAllBytes())
                .lines().toList();
        String asWritten = lines.get(1);
        String json = asWritten.substring(asWritten.indexOf("\"event\":") + "\"event\":".length(), asWritten.length() - 1);
        Path edited = dir.resolve("edited.culprit.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(edited))) {
            out.write((lines.get(0) + "\n" + asWritten
                    + "\n{\"event\":" + json + ",\"topic\":\"culprit.cpu\"}"
                    + "\n{\"topic\":\"culprit.cpu\",\"event\":" + json + ",\"note\":\"by hand\"}\n").getBytes());
        }

        List<Event> read = new ArrayList<>();
        try (TimeOrderedArchive sorted = TimeOrderedArchive.sort(edited, dir.resolve("scratch"), 8 << 10, n -> { });
             TimeOrderedArchive.Merged merged = sorted.runs().open()) {
            for (EncodedEvent e = merged.next(); e != null; e = merged.next()) {
                read.add(e.decode());
            }
        }
        assertThat(read).containsExactly(event, event, event);
    }

    private Path archive(List<Event> events) {
        Path file = dir.resolve("capture.culprit.gz");
        try (EventArchive.Writer writer = new EventArchive.Writer(file)) {
            events.forEach(writer::write);
        }
        return file;
    }

    private static CpuSample sample(String host, long ts, int n) {
        return new CpuSample(host, "proc", ts, 1, 1000, n % 100, 0, 3, 1, 0, 95, null, null, null);
    }
}
