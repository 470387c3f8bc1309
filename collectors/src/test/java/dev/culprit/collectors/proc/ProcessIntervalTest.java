package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How culprits are ranked, on processes read from the captured fixtures. */
class ProcessIntervalTest {

    private static ProcessReading reading(String scenario, String snapshot, String role) {
        CapturedScenario captured = CapturedScenario.named(scenario);
        ProcStat stat = ProcStat.parse(CapturedScenario.read(captured.snapshot(snapshot).resolve(captured.pid(role) + "/stat")));
        return new ProcessReading(stat, new ProcIo(0, 0, 0), "", new ProcessCgroup("/", null));
    }

    private static List<String> ranked(ProcessInterval... intervals) {
        return List.of(intervals).stream().sorted(ProcessInterval.CULPRIT_FIRST).map(i -> i.process().stat().comm()).toList();
    }

    @Test
    void withDelayAccountingTheMostBlockedLeadsEvenWithFewerBytes() {
        ProcessInterval fioBlocked = new ProcessInterval(reading("fio-read", "t1", "fio-job"), false, 72_978_432, 0, 930L);
        ProcessInterval ddBusier = new ProcessInterval(reading("dd-write-delayacct", "t1", "dd"), false, 0, 1_495_318_528, 670L);

        assertThat(ranked(ddBusier, fioBlocked)).containsExactly("fio", "dd");
    }

    @Test
    void withoutDelayAccountingTheMostBytesLead() {
        ProcessInterval fio = new ProcessInterval(reading("fio-read", "t1", "fio-job"), false, 72_978_432, 0, null);
        ProcessInterval dd = new ProcessInterval(reading("dd-write", "t1", "dd"), false, 0, 870_346_752, null);

        assertThat(ranked(fio, dd)).containsExactly("dd", "fio");
    }

    @Test
    void atEqualBytesOneCaughtInDiskSleepLeads() {
        ProcessInterval running = new ProcessInterval(reading("dd-write", "t1", "dd"), false, 0, 0, null);
        ProcessInterval inD = new ProcessInterval(reading("fio-read", "t1", "fio-job"), false, 0, 0, null);

        assertThat(ranked(running, inD)).containsExactly("fio", "dd");
        assertThat(running.touchedDisk()).as("state R and no bytes").isFalse();
        assertThat(inD.touchedDisk()).isTrue();
    }

    @Test
    void aFigureSlightlyAboveTheDisksBoundIsClampedAndOneFarAboveIsDropped() {
        ProcessReading dd = reading("dd-write", "t1", "dd");
        HostIoCounters.Bound disksTookIn = new HostIoCounters.Bound(1_000_000, 870_000_000);

        // dd-write's real 870,346,752 B against a bound read 0.04 % lower, as a non-atomic read can make it
        ProcessInterval skewed = new ProcessInterval(dd, false, 0, 870_346_752, null);
        ProcessInterval inherited = new ProcessInterval(dd, true, 3_000_000, 34_360_942_592L, null);

        assertThat(skewed.impossibleWithin(disksTookIn)).isFalse();
        assertThat(skewed.within(disksTookIn).writeBytes()).isEqualTo(870_000_000);
        assertThat(inherited.impossibleWithin(disksTookIn)).isTrue();
        assertThat(inherited.within(disksTookIn)).extracting(ProcessInterval::readBytes, ProcessInterval::writeBytes)
                .containsExactly(0L, 0L);
        assertThat(inherited.within(disksTookIn).touchedDisk()).as("nothing left to send").isFalse();
    }
}
