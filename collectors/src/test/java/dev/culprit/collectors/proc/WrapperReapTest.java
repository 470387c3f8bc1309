package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.culprit.events.ProcessIoSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * dd run under the wrappers jobs run under, read about a second apart until the whole tree had
 * exited and been reaped by the capturing shell (scripts/capture/wrapper-reap.sh). The shell and
 * the wrappers only wait; every byte is dd's.
 */
class WrapperReapTest {

    @TempDir
    Path tmp;

    private ProcessSampler samplerOn(Path proc) {
        return new ProcessSampler(proc, "vm", Clock.fixed(Instant.ofEpochMilli(1_796_000_000_000L), ZoneOffset.UTC));
    }

    private static CapturedScenario wrapped(String name) {
        return CapturedScenario.named("wrapper-reap/" + name);
    }

    /** What each interval reported, t0→t1 first, up to the one in which the wrapper was reaped. */
    private List<List<ProcessIoSample>> everyInterval(CapturedScenario scenario) throws IOException {
        Path proc = tmp.resolve("proc");
        ProcessSampler sampler = samplerOn(proc);
        List<List<ProcessIoSample>> intervals = new ArrayList<>();
        List<String> snapshots = snapshots(scenario);
        for (int i = 0; i < snapshots.size(); i++) {
            scenario.show(snapshots.get(i), proc);
            List<ProcessIoSample> samples = sampler.sample();
            if (i > 0) {
                intervals.add(samples);
            }
        }
        assertThat(sampler.ratesAboveDiskBound()).as("no figure of these captures is above the disks' bound").isZero();
        return intervals;
    }

    private static List<String> snapshots(CapturedScenario scenario) throws IOException {
        try (Stream<Path> entries = Files.list(scenario.snapshot("."))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("t\\d+"))
                    .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.substring(1))))
                    .toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "sh-c", "xargs", "make", "sudo"})
    void ddIsNamedWheneverItWasReadAndRanksAboveEveryWrapper(String wrapper) throws IOException {
        CapturedScenario scenario = wrapped(wrapper);
        List<String> snapshots = snapshots(scenario);

        List<List<ProcessIoSample>> intervals = everyInterval(scenario);

        assertThat(intervals).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 0; i < intervals.size(); i++) {
            String span = snapshots.get(i) + "→" + snapshots.get(i + 1);
            List<String> comms = intervals.get(i).stream().map(ProcessIoSample::comm).toList();
            // A dd that was born and exited between two reads, or gone before it could be read,
            // is no one we can name: its bytes are told apart from its wrappers' and then left
            // unnamed (whenTheLastDdExitedBeforeItCouldBeRead...). One read at the end was writing.
            if (ddReadIn(scenario, snapshots.get(i + 1))) {
                assertThat(comms).as(span).isNotEmpty().first().isEqualTo("dd");
            }
            assertThat(comms.subList(comms.lastIndexOf("dd") + 1, comms.size()))
                    .as("%s: nothing ranked among or above the writers", span)
                    .doesNotContain("dd");
            assertThat(intervals.get(i)).extracting(ProcessIoSample::pid).as(span)
                    .doesNotContain(scenario.pid("capture-shell"), scenario.pid("wrapper"));
        }
    }

    private static boolean ddReadIn(CapturedScenario scenario, String snapshot) throws IOException {
        try (Stream<Path> entries = Files.list(scenario.snapshot(snapshot))) {
            // stat alone is not enough: dd's io could not be read as it exited in sh-c's t4
            return entries.anyMatch(p -> Files.exists(p.resolve("stat")) && Files.exists(p.resolve("io"))
                    && ProcStat.parse(CapturedScenario.read(p.resolve("stat"))).comm().equals("dd"));
        }
    }

    @Test
    void whenTimeoutItsShellAndTheLastDdVanishTogetherTheJumpIsDdsNotTimeouts() throws IOException {
        CapturedScenario timeout = wrapped("timeout");

        List<ProcessIoSample> reaped = everyInterval(timeout).get(4);

        // t4 → t5: the capture shell's write_bytes 538,480,640 → 6,993,797,120 = +6,455,316,480 as it
        // reaped timeout, which had reaped bash -c, which had reaped every dd of the loop. Last seen
        // at t4: timeout 0, bash 5,737,971,712 (its reaped dds), dd 100,663,296. What is new is
        // 6,455,316,480 - 5,737,971,712 - 100,663,296 = 616,681,472 B in 947.61 - 946.66 = 0.95 s,
        // against 708,866,048 B the disks wrote. Before, timeout was charged all 6.5 GB.
        assertThat(reaped).hasSize(1);
        ProcessIoSample dd = reaped.get(0);
        assertThat(dd.comm()).isEqualTo("dd");
        assertThat(dd.state()).isEqualTo("X");
        assertThat(dd.ppid()).as("bash -c's child").isNotEqualTo(timeout.pid("wrapper"));
        assertThat(dd.intervalMs()).isEqualTo(950);
        assertThat(dd.writeBytesPerSec()).isCloseTo(616_681_472 / 0.95, within(1e-3));
    }

    @Test
    void whenTheLastDdExitedBeforeItCouldBeReadNoOneIsNamedForItsBytes() throws IOException {
        CapturedScenario unseen = wrapped("timeout-writer-unseen");
        unseen.copy("t4", tmp.resolve("t4"));
        unseen.copy("t5", tmp.resolve("t5"));
        ProcessSampler sampler = samplerOn(tmp.resolve("proc"));
        CapturedScenario.pointAt(tmp.resolve("proc"), tmp.resolve("t4"));
        sampler.sample();
        CapturedScenario.pointAt(tmp.resolve("proc"), tmp.resolve("t5"));

        List<ProcessIoSample> reaped = sampler.sample();

        // t4 had timeout and bash -c but not the dd that bash was running (gone while being
        // copied): bash has reaped dds before, so it is a parent like timeout, and the 1.0 GB
        // the capture shell inherited beyond their last counts is a dd's we never read.
        assertThat(reaped).isEmpty();
    }

    @Test
    void aFigureAboveWhatTheDisksTookInIsDroppedAndCounted() throws IOException {
        // As if bash -c had been unreadable at t4: timeout then looks like a process with no child
        // that never reaped one, and is the one owner of the capture shell's 10,526,048,256 B jump
        // (537,821,184 → 11,063,869,440). The host took in far less in 382.04 - 381.07 s:
        // Σ written sectors 20,075,968 → 22,453,720 = 1,217,409,024 B, Dirty+Writeback 4,172 → 4,360 kB
        // = +192,512 B, cancelled 24,576 B: 1,217,626,112 B. timeout wrote none of the 10.5 GB.
        CapturedScenario unseen = wrapped("timeout-writer-unseen");
        Path t4 = unseen.copy("t4", tmp.resolve("t4"));
        unseen.copy("t5", tmp.resolve("t5"));
        CapturedScenario.deleteTree(t4.resolve(Integer.toString(childOf(t4, unseen.pid("wrapper")))));
        Path proc = tmp.resolve("proc");
        ProcessSampler sampler = samplerOn(proc);

        CapturedScenario.pointAt(proc, t4);
        sampler.sample();
        CapturedScenario.pointAt(proc, tmp.resolve("t5"));
        List<ProcessIoSample> samples = sampler.sample();

        // Without the bound: timeout at 10,526,048,256 / 0.97 s = 1.09e10 B/s, as scenarios/iowait shipped it.
        assertThat(samples).as("timeout's only figures were impossible ones").isEmpty();
        assertThat(sampler.ratesAboveDiskBound()).isEqualTo(1);
    }

    @Test
    void theBoundIsEveryDisksSectorsPlusDirtyGrowthPlusCancelledBytes() {
        CapturedScenario unseen = wrapped("timeout-writer-unseen");
        HostIoCounters t4 = hostIo(unseen, "t4");
        HostIoCounters t5 = hostIo(unseen, "t5");

        HostIoCounters.Bound bound = t5.boundSince(t4, 24_576).orElseThrow();

        // Σ read sectors 2,386,746 → 2,386,802: 56 × 512
        assertThat(bound.readBytes()).isEqualTo(28_672);
        assertThat(bound.writeBytes()).isEqualTo(1_217_409_024L + 192_512 + 24_576);
        assertThat(t4.boundSince(t5, 0)).as("counters that went back give no bound").isEmpty();
    }

    /** The one process under {@code procRoot} whose parent is {@code ppid}. */
    private static int childOf(Path procRoot, int ppid) throws IOException {
        try (Stream<Path> entries = Files.list(procRoot)) {
            return entries.filter(p -> Files.exists(p.resolve("stat")))
                    .map(p -> ProcStat.parse(CapturedScenario.read(p.resolve("stat"))))
                    .filter(s -> s.ppid() == ppid)
                    .mapToInt(ProcStat::pid)
                    .findFirst().orElseThrow();
        }
    }

    private static HostIoCounters hostIo(CapturedScenario scenario, String snapshot) {
        return HostIoCounters.parse(CapturedScenario.read(scenario.snapshot(snapshot).resolve("diskstats")),
                CapturedScenario.read(scenario.snapshot(snapshot).resolve("meminfo")));
    }
}
