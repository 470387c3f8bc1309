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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real reads of this machine kind's {@code /proc} about a second apart while dd, fio and their
 * bystanders ran (scripts/capture/disk-load.sh; what each scenario shows is in
 * scripts/capture/README-proc.md). Rates are checked against the counters in the fixture files,
 * worked out by hand in the comments.
 */
class ProcessSamplerTest {

    private static final long NOW = 1_795_984_503_553L;

    @TempDir
    Path tmp;

    private Path proc() {
        return tmp.resolve("proc");
    }

    private ProcessSampler sampler(int top) {
        return new ProcessSampler(proc(), "vm", Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), top);
    }

    /** Samples each snapshot in turn and returns what the last interval reported. */
    private List<ProcessIoSample> sampleAcross(CapturedScenario scenario, String... snapshots) {
        ProcessSampler sampler = sampler(ProcessSampler.DEFAULT_TOP);
        List<ProcessIoSample> samples = List.of();
        for (String snapshot : snapshots) {
            scenario.show(snapshot, proc());
            samples = sampler.sample();
        }
        return samples;
    }

    @Test
    void ddWritingIsTheOnlyCulpritAndItsDiskIsVda() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");

        List<ProcessIoSample> samples = sampleAcross(ddWrite, "t0", "t1");

        // dd write_bytes 149,950,464 → 1,020,297,216 = 870,346,752 B over 473.30 → 474.30 s of uptime
        assertThat(samples).hasSize(1);
        ProcessIoSample dd = samples.get(0);
        assertThat(dd.pid()).isEqualTo(ddWrite.pid("dd"));
        assertThat(dd.comm()).isEqualTo("dd");
        assertThat(dd.cmdline()).isEqualTo("dd if=/dev/zero of=/var/tmp/culprit-dd bs=1M count=10740 oflag=direct");
        assertThat(dd.ppid()).isEqualTo(ddWrite.pid("dd-parent-bash"));
        assertThat(dd.startedMsAfterBoot()).as("stat field 22: 47318 ticks of 10 ms").isEqualTo(473_180L);
        assertThat(dd.intervalMs()).isEqualTo(1000);
        assertThat(dd.writeBytesPerSec()).isCloseTo(870_346_752, within(1e-6));
        assertThat(dd.readBytesPerSec()).isZero();
        assertThat(dd.state()).isEqualTo("R");
        assertThat(dd.dStateSamples()).isZero();
        assertThat(dd.disks()).containsExactly("vda");
        assertThat(dd.files()).containsExactly("/var/tmp/culprit-dd", "/var/tmp/culprit-dd-write.stderr");
        assertThat(dd.cgroup()).isEqualTo("/process_api/500da3d84178c06e19d692bb5a8c3d6e");
        assertThat(dd.containerId()).isNull();
        assertThat(dd.host()).isEqualTo("vm");
        assertThat(dd.ts()).isEqualTo(NOW);
    }

    @Test
    void aCpuBoundReaderOfCachedDataTheIdleSleepAndTheWaitingShellAreNotCulprits() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");

        List<ProcessIoSample> samples = sampleAcross(ddWrite, "t0", "t1", "t2");

        // sha256sum: rchar +230 MB in the second, read_bytes 0; sleep and bash: no io at all
        assertThat(samples).extracting(ProcessIoSample::pid).containsExactly(ddWrite.pid("dd"))
                .doesNotContain(ddWrite.pid("cpu-bystander-sha256sum"), ddWrite.pid("idle-sleep"),
                        ddWrite.pid("dd-parent-bash"));
    }

    @Test
    void ddCaughtInDiskSleepCountsOneDStateSample() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");

        ProcessIoSample dd = sampleAcross(ddWrite, "t0", "t1", "t2").get(0);

        // t1 → t2: write_bytes 1,020,297,216 → 1,991,307,264 = 971,010,048 B in 1.00 s; stat says D
        assertThat(dd.writeBytesPerSec()).isCloseTo(971_010_048, within(1e-6));
        assertThat(dd.state()).isEqualTo("D");
        assertThat(dd.dStateSamples()).isEqualTo(1);
    }

    @Test
    void withoutDelayAccountingTheDelayIsUnknownNotZero() {
        ProcessIoSample dd = sampleAcross(CapturedScenario.named("dd-write"), "t0", "t1").get(0);

        assertThat(dd.blkioDelayMs()).as("field 42 is 0 everywhere: accounting is off").isNull();
    }

    @Test
    void withDelayAccountingDdLeadsWithItsBlockIoDelay() {
        CapturedScenario delayacct = CapturedScenario.named("dd-write-delayacct");

        List<ProcessIoSample> samples = sampleAcross(delayacct, "t0", "t1");

        // dd field 42: 9 → 76 = 67 ticks of 10 ms (pidstat's iodelay: 66, 78, 76);
        // write_bytes 230,690,816 → 1,726,009,344 = 1,495,318,528 B over 482.40 → 483.39 s
        assertThat(samples).hasSize(1);
        ProcessIoSample dd = samples.get(0);
        assertThat(dd.pid()).isEqualTo(delayacct.pid("dd"));
        assertThat(dd.blkioDelayMs()).isEqualTo(670L);
        assertThat(dd.intervalMs()).isEqualTo(990);
        assertThat(dd.writeBytesPerSec()).isCloseTo(1_495_318_528 / 0.99, within(1e-3));
    }

    @Test
    void theKernelsDelayAccountingSwitchIsBelievedOverZeroTicks() throws IOException {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        Path settingDuringDelayacctRun = CapturedScenario.named("dd-write-delayacct").file("task_delayacct.txt");
        for (String snapshot : List.of("t0", "t1")) {
            Path root = ddWrite.copy(snapshot, tmp.resolve(snapshot));
            Files.createDirectories(root.resolve("sys/kernel"));
            Files.copy(settingDuringDelayacctRun, root.resolve("sys/kernel/task_delayacct"));
        }

        ProcessIoSample dd = sampleRoots(sampler(ProcessSampler.DEFAULT_TOP), "t0", "t1").get(0);

        assertThat(dd.blkioDelayMs()).as("accounting on, and dd's field 42 stayed 0").isEqualTo(0L);
    }

    @Test
    void aShellWhoseDdChildExitedIsNotBlamedForTheChildsGigabytes() {
        CapturedScenario childExit = CapturedScenario.named("child-exit");

        List<ProcessIoSample> samples = sampleAcross(childExit, "t0", "t1");

        // bash write_bytes 0 → 1,387,315,200 while dd (write_bytes 178,262,016 at t0) exited and
        // was reaped (bash's cminflt 0 → 345, cstime 0 → 12). What bash inherited beyond dd's
        // last-seen counters, 1,387,315,200 - 178,262,016 = 1,209,053,184 B in 1.00 s, is dd's.
        assertThat(samples).extracting(ProcessIoSample::pid).doesNotContain(childExit.pid("parent-bash"));
        assertThat(samples).hasSize(1);
        ProcessIoSample dd = samples.get(0);
        assertThat(dd.pid()).isEqualTo(childExit.pid("dd-child"));
        assertThat(dd.comm()).isEqualTo("dd");
        assertThat(dd.cmdline()).isEqualTo("dd if=/dev/zero of=/var/tmp/culprit-child bs=1M count=1323 oflag=direct");
        assertThat(dd.state()).as("exited").isEqualTo("X");
        assertThat(dd.ppid()).isEqualTo(childExit.pid("parent-bash"));
        assertThat(dd.writeBytesPerSec()).isCloseTo(1_209_053_184, within(1e-6));
        assertThat(dd.disks()).as("an exited process has no open files left").isEmpty();
    }

    @Test
    void afterTheChildExitedTheShellStaysQuiet() {
        assertThat(sampleAcross(CapturedScenario.named("child-exit"), "t0", "t1", "t2")).isEmpty();
    }

    @Test
    void anIdleHostSendsNothing() {
        assertThat(sampleAcross(CapturedScenario.named("idle"), "t0", "t1")).isEmpty();
    }

    @Test
    void theFirstReadOnlySetsTheBaseline() {
        assertThat(sampleAcross(CapturedScenario.named("dd-write"), "t0")).isEmpty();
    }

    @Test
    void fioRandomReadsAreReportedWithTheJobInDiskSleep() {
        CapturedScenario fio = CapturedScenario.named("fio-read");

        List<ProcessIoSample> samples = sampleAcross(fio, "t0", "t1");

        // job read_bytes 42,442,752 → 115,421,184 = 72,978,432 B over 496.57 → 497.73 s;
        // the main fio process only waits (read_bytes unchanged, state S)
        assertThat(samples).hasSize(1);
        ProcessIoSample job = samples.get(0);
        assertThat(job.pid()).isEqualTo(fio.pid("fio-job"));
        assertThat(job.intervalMs()).isEqualTo(1160);
        assertThat(job.readBytesPerSec()).isCloseTo(72_978_432 / 1.16, within(1e-3));
        assertThat(job.writeBytesPerSec()).isZero();
        assertThat(job.dStateSamples()).isEqualTo(1);
        assertThat(job.disks()).containsExactly("vda");
        assertThat(job.files()).contains("/var/tmp/culprit-fio");
    }

    @Test
    void aProcessWhoseIoCannotBeReadIsSkippedAndTheOthersStillReported() throws IOException {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        ddWrite.copy("t0", tmp.resolve("t0"));
        Path t1 = ddWrite.copy("t1", tmp.resolve("t1"));
        // Running as root, a file mode cannot stop us reading; a directory in place of the file
        // fails the read the way /proc/1/io's EACCES does.
        Path bystanderIo = t1.resolve(ddWrite.pid("cpu-bystander-sha256sum") + "/io");
        Files.delete(bystanderIo);
        Files.createDirectory(bystanderIo);
        ProcessSampler sampler = sampler(ProcessSampler.DEFAULT_TOP);

        List<ProcessIoSample> samples = sampleRoots(sampler, "t0", "t1");

        assertThat(samples).extracting(ProcessIoSample::pid).containsExactly(ddWrite.pid("dd"));
        assertThat(sampler.unparseableProcesses()).as("unreadable is normal, not malformed").isZero();
    }

    @Test
    void aProcessThatVanishedBetweenReadsIsNotReported() {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        ddWrite.copy("t0", tmp.resolve("t0"));
        Path t1 = ddWrite.copy("t1", tmp.resolve("t1"));
        CapturedScenario.deleteTree(t1.resolve(Integer.toString(ddWrite.pid("dd"))));

        assertThat(sampleRoots(sampler(ProcessSampler.DEFAULT_TOP), "t0", "t1"))
                .as("dd gone, and its shell inherited nothing yet").isEmpty();
    }

    @Test
    void onlyTheTopCulpritsAreSent() {
        // A busier host: dd-write's processes and fio-read's job side by side in one proc root.
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        CapturedScenario fio = CapturedScenario.named("fio-read");
        String job = Integer.toString(fio.pid("fio-job"));
        for (String snapshot : List.of("t0", "t1")) {
            Path root = ddWrite.copy(snapshot, tmp.resolve(snapshot));
            CapturedScenario.copyTree(fio.snapshot(snapshot).resolve(job), root.resolve(job));
        }

        assertThat(sampleRoots(sampler(10), "t0", "t1")).extracting(ProcessIoSample::comm).containsExactly("dd", "fio");
        assertThat(sampleRoots(sampler(1), "t0", "t1")).extracting(ProcessIoSample::comm).containsExactly("dd");
    }

    /** Like {@link #sampleAcross} for proc roots the test built under {@code tmp}. */
    private List<ProcessIoSample> sampleRoots(ProcessSampler sampler, String... roots) {
        List<ProcessIoSample> samples = List.of();
        for (String root : roots) {
            CapturedScenario.pointAt(proc(), tmp.resolve(root));
            samples = sampler.sample();
        }
        return samples;
    }
}
