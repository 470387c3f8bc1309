package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.collectors.CaptureClock;
import dev.culprit.collectors.SourceCounters;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.ProcessIoSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A /proc capture read one-shot gives what the live samplers sent while the host showed each snapshot. */
class ProcSourceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"dd-write", "child-exit", "fio-read", "wrapper-reap/timeout"})
    void aCaptureReadOneShotGivesTheLiveSamplersEventsAtTheSnapshotsTimes(String scenario) throws IOException {
        Path capture = CapturedScenario.CAPTURED.resolve(scenario);
        List<Event> oneShot = new ArrayList<>();
        ProcSource source = new ProcSource(capture, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY, 10, Duration.ofSeconds(1));

        source.readToEnd((events, positions) -> oneShot.addAll(events));

        assertThat(oneShot).isEqualTo(live(capture));
        assertThat(oneShot).hasAtLeastOneElementOfType(CpuSample.class).hasAtLeastOneElementOfType(DiskSample.class);
        SourceCounters counters = source.counters();
        assertThat(counters.read()).isEqualTo(snapshots(capture).size());
        assertThat(counters.events()).isEqualTo(oneShot.size());
        assertThat(counters.unparseable()).isZero();
    }

    @Test
    void theDdCaptureNamesDdWritingToVdaAtTheTimesOfItsSnapshots() throws IOException {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        List<Event> oneShot = new ArrayList<>();

        new ProcSource(CapturedScenario.CAPTURED.resolve("dd-write"), "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY, 10,
                Duration.ofSeconds(1)).readToEnd((events, positions) -> oneShot.addAll(events));

        assertThat(oneShot).filteredOn(DiskSample.class::isInstance).extracting(e -> ((DiskSample) e).device())
                .containsOnly("vda");
        assertThat(oneShot).filteredOn(ProcessIoSample.class::isInstance).first().satisfies(e -> {
            ProcessIoSample dd = (ProcessIoSample) e;
            assertThat(dd.pid()).isEqualTo(ddWrite.pid("dd"));
            assertThat(dd.disks()).containsExactly("vda");
            assertThat(dd.writeBytesPerSec()).isGreaterThan(500e6);
        });
        // the first snapshot is the baseline: events carry the read times of t1 and t2
        assertThat(oneShot).extracting(Event::ts).containsOnly(readStart(ddWrite.snapshot("t1")), readStart(ddWrite.snapshot("t2")));
    }

    @Test
    void aDirectoryWithoutSnapshotsIsNotACapture() throws IOException {
        Files.createDirectories(dir.resolve("t0"));

        assertThat(ProcSource.isCapture(dir)).isFalse();
        assertThat(ProcSource.isCapture(CapturedScenario.CAPTURED.resolve("idle"))).isTrue();
        assertThat(ProcSource.isCapture(CapturedScenario.CAPTURED.resolve("idle/t0"))).isTrue();
        assertThat(ProcSource.isCapture(CapturedScenario.CAPTURED)).as("a directory of captures").isFalse();
        assertThatThrownBy(() -> new ProcSource(dir, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY, 10, Duration.ofSeconds(1))
                .readToEnd((events, positions) -> true))
                .hasMessageContaining(dir + " is not a /proc capture");
    }

    /** The live samplers, their proc root a link moved from snapshot to snapshot as the host's /proc moves on. */
    private List<Event> live(Path capture) throws IOException {
        Path proc = dir.resolve("proc");
        CaptureClock clock = new CaptureClock(0);
        HostSampler host = new HostSampler(proc, "vm", clock, DeviceFilter.DISKS_ONLY);
        ProcessSampler processes = new ProcessSampler(proc, "vm", clock, 10);
        List<Event> sent = new ArrayList<>();
        for (Path snapshot : snapshots(capture)) {
            CapturedScenario.pointAt(proc, snapshot);
            clock.set(readStart(snapshot));
            sent.addAll(host.sample());
            sent.addAll(processes.sample());
        }
        return sent;
    }

    /** tN in the order the capture took them (t10 after t9). */
    private static List<Path> snapshots(Path capture) throws IOException {
        try (var entries = Files.list(capture)) {
            return entries.filter(p -> Files.exists(p.resolve("SNAPSHOT.txt")))
                    .sorted(java.util.Comparator.comparingLong(ProcSourceTest::readStart)).toList();
        }
    }

    private static long readStart(Path snapshot) {
        return CapturedScenario.read(snapshot.resolve("SNAPSHOT.txt")).lines()
                .filter(l -> l.startsWith("epoch_ms_start=")).map(l -> Long.parseLong(l.substring(15)))
                .findFirst().orElseThrow();
    }

}
