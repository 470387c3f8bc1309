package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.culprit.events.CpuSample;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real reads of this machine kind's {@code /proc} taken one second apart while {@code dd}
 * wrote to {@code vda} with {@code oflag=direct} (scripts/capture/disk-load.sh, scenario dd-write).
 */
class HostSamplerTest {

    private static final Path DD_WRITE = Path.of("src/test/resources/captured/proc/dd-write");

    @TempDir
    Path procRoot;

    private List<Event> sampleAcross(Path scenario, String before, String after) throws IOException {
        HostSampler sampler = new HostSampler(procRoot, "vm",
                Clock.fixed(Instant.ofEpochMilli(1_795_984_503_553L), ZoneOffset.UTC), DeviceFilter.DISKS_ONLY);
        copyTree(scenario.resolve(before));
        assertThat(sampler.sample()).as("the first read only sets the baseline").isEmpty();
        copyTree(scenario.resolve(after));
        return sampler.sample();
    }

    @Test
    void diskFiguresMatchIostatArithmeticDoneByHand() throws IOException {
        List<Event> events = sampleAcross(DD_WRITE, "t0", "t1");

        // vda t0 → t1 over 1.00 s of /proc/uptime (473.30 → 474.30):
        //   writes 151956 → 153633 = 1677          → w/s 1677
        //   sectors 119991032 → 121703240 = 1712208 → wkB/s 1712208 / 2 = 856104
        //   write ticks 53049 → 54019 = 970 ms      → w_await 970 / 1677 = 0.5784 ms
        //   io ticks 65760 → 66268 = 508 ms         → %util 50.8
        //   weighted ticks 103557 → 104528 = 971    → aqu-sz 0.971
        // (iostat -x's own report for the overlapping second: 1685 w/s, 860200 wkB/s, 0.57, 0.97, 52.0)
        DiskSample vda = events.stream().filter(DiskSample.class::isInstance).map(DiskSample.class::cast)
                .filter(d -> d.device().equals("vda")).findFirst().orElseThrow();
        assertThat(vda.intervalMs()).isEqualTo(1000);
        assertThat(vda.writesPerSec()).isCloseTo(1677, within(1e-9));
        assertThat(vda.writeKbPerSec()).isCloseTo(856104, within(1e-9));
        assertThat(vda.writeAwaitMs()).isCloseTo(970.0 / 1677, within(1e-9));
        assertThat(vda.utilPct()).isCloseTo(50.8, within(1e-9));
        assertThat(vda.queueSize()).isCloseTo(0.971, within(1e-9));
        assertThat(vda.readsPerSec()).isZero();
        assertThat(vda.readAwaitMs()).isZero();
    }

    @Test
    void loopAndZramDevicesAreLeftOut() throws IOException {
        List<Event> events = sampleAcross(DD_WRITE, "t0", "t1");

        assertThat(events).filteredOn(DiskSample.class::isInstance)
                .extracting(e -> ((DiskSample) e).device()).containsExactly("vda");
    }

    @Test
    void cpuSharesAndPressureMatchHandArithmetic() throws IOException {
        List<Event> events = sampleAcross(DD_WRITE, "t0", "t1");

        // cpu t0: 17977 0 7994 63247 3808 0 719 51; t1: 18079 0 8051 63247 3846 0 721 51
        // deltas user 102, system 57, iowait 38, softirq 2, total 199 → iowait 19.10 % (iostat: 19.00)
        // pressure some total 36494464 → 36735801 µs = 241 ms stalled; avg10 12.33
        CpuSample cpu = (CpuSample) events.get(0);
        assertThat(cpu.iowaitPct()).isCloseTo(100.0 * 38 / 199, within(1e-9));
        assertThat(cpu.userPct()).isCloseTo(100.0 * 102 / 199, within(1e-9));
        assertThat(cpu.systemPct()).isCloseTo(100.0 * 59 / 199, within(1e-9));
        assertThat(cpu.ioSomeAvg10()).isEqualTo(12.33);
        assertThat(cpu.ioSomeStallMs()).isEqualTo(241);
        assertThat(cpu.ts()).isEqualTo(1_795_984_503_553L);
    }

    @Test
    void aKernelWithoutPressureStallInformationStillGivesIowait() throws IOException {
        copyTree(DD_WRITE.resolve("t0"));
        HostSampler sampler = new HostSampler(procRoot, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY);
        Files.delete(procRoot.resolve("pressure/io"));
        sampler.sample();
        copyTree(DD_WRITE.resolve("t1"));
        Files.delete(procRoot.resolve("pressure/io"));

        CpuSample cpu = (CpuSample) sampler.sample().get(0);

        assertThat(cpu.ioSomeAvg10()).isNull();
        assertThat(cpu.iowaitPct()).isGreaterThan(19);
    }

    @Test
    void aDiskWhoseCountersWentBackIsLeftOutOfThatTickAndTheCpuStillComes() throws IOException {
        // t1's vda as a re-registered disk (hot-swap, snapshot restore) shows it: counting again from small numbers.
        // Read as a 32-bit wrap this gave ~4e9 writes in a second; sysstat's definitions give no rate for it.
        List<Event> events = sampleAcrossEdited("t0", "t1", "diskstats",
                t1 -> t1.replace(" vda 455975 7844 11045178 41516 153633 10510 121703240 54019 0 66268 104528",
                        " vda 120 3 2044 17 310 2 52210 90 0 76 107"));

        assertThat(events).noneMatch(DiskSample.class::isInstance);
        assertThat(events).filteredOn(CpuSample.class::isInstance).singleElement()
                .satisfies(cpu -> assertThat(((CpuSample) cpu).iowaitPct()).isCloseTo(100.0 * 38 / 199, within(1e-9)));
    }

    @Test
    void onlyACrossingOf2To32IsAWrap() {
        assertThat(Iostat.delta(4_294_967_000L, 200L)).isEqualTo(496);
        DiskCounters before = DiskCounters.parseAll("   8       0 sda 1000000 0 2000 10 0 0 0 0 0 100 10").get(0);
        DiskCounters reset = DiskCounters.parseAll("   8       0 sda 10 0 20 1 0 0 0 0 0 1 1").get(0);
        assertThat(Iostat.disk("h", 0, before, reset, 1000)).isEmpty();
    }

    @Test
    void procStatGoingBackwardsGivesNoCpuFiguresButTheDisksStillCome() throws IOException {
        // t1's aggregate line with idle and iowait below t0's (a VM restored from a snapshot): no shares, not 475,900 %
        List<Event> events = sampleAcrossEdited("t0", "t1", "stat",
                t1 -> t1.replace("cpu  18079 0 8051 63247 3846 0 721 51", "cpu  18079 0 8051 60000 3000 0 721 51"));

        assertThat(events).noneMatch(CpuSample.class::isInstance);
        assertThat(events).filteredOn(DiskSample.class::isInstance).extracting(e -> ((DiskSample) e).device()).containsExactly("vda");
    }

    @Test
    void aSevenFieldCpuLineOfAnOldKernelIsReadWithoutSteal() throws IOException {
        // 2.6.0-2.6.10 print user nice system idle iowait irq softirq; derived from the real t0/t1 lines without steal (51 → 51)
        List<Event> events = sampleAcrossEdited("t0", "t1", "stat", null,
                t -> t.replaceAll("(?m)^(cpu\\d*(?: +\\d+){7}).*$", "$1"));

        CpuSample cpu = events.stream().filter(CpuSample.class::isInstance).map(CpuSample.class::cast).findFirst().orElseThrow();
        assertThat(cpu.iowaitPct()).isCloseTo(100.0 * 38 / 199, within(1e-9));
        assertThat(events).anyMatch(DiskSample.class::isInstance);
    }

    @Test
    void anUnparseableFileCostsOnlyItsOwnFiguresAndBecomesADeadLetter() throws IOException {
        HostSampler sampler = new HostSampler(procRoot, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY);
        copyTree(DD_WRITE.resolve("t0"));
        sampler.sample();
        copyTree(DD_WRITE.resolve("t1"));
        Files.writeString(procRoot.resolve("stat"), "intr 1 2 3\nctxt 99\n");

        List<Event> events = sampler.sample();

        assertThat(events).noneMatch(CpuSample.class::isInstance);
        assertThat(events).anyMatch(DiskSample.class::isInstance);
        DeadLetter letter = events.stream().filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).findFirst().orElseThrow();
        assertThat(letter.file()).isEqualTo(procRoot.resolve("stat").toString());
        assertThat(letter.reason()).contains("no aggregate 'cpu' line");
        assertThat(letter.raw()).startsWith("intr 1 2 3");
        assertThat(sampler.unreadableFiles()).isEqualTo(1);
    }

    private List<Event> sampleAcrossEdited(String before, String after, String file, UnaryOperator<String> editAfter) throws IOException {
        return sampleAcrossEdited(before, after, file, editAfter, null);
    }

    /** Two real reads, with {@code file} edited in the second (and, with {@code editBoth}, in both). */
    private List<Event> sampleAcrossEdited(String before, String after, String file, UnaryOperator<String> editAfter,
                                           UnaryOperator<String> editBoth) throws IOException {
        HostSampler sampler = new HostSampler(procRoot, "vm", Clock.systemUTC(), DeviceFilter.DISKS_ONLY);
        copyTree(DD_WRITE.resolve(before));
        edit(file, editBoth);
        assertThat(sampler.sample()).isEmpty();
        copyTree(DD_WRITE.resolve(after));
        edit(file, editBoth);
        edit(file, editAfter);
        return sampler.sample();
    }

    private void edit(String file, UnaryOperator<String> change) throws IOException {
        if (change != null) {
            Path target = procRoot.resolve(file);
            String before = Files.readString(target);
            String after = change.apply(before);
            assertThat(after).as("the edit applies to the captured " + file).isNotEqualTo(before);
            Files.writeString(target, after);
        }
    }

    private void copyTree(Path snapshot) throws IOException {
        for (String file : List.of("stat", "diskstats", "uptime", "pressure/io")) {
            Path target = procRoot.resolve(file);
            Files.createDirectories(target.getParent());
            Files.copy(snapshot.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
