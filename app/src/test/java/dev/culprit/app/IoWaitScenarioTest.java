package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.CaptureClock;
import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.HostSampler;
import dev.culprit.collectors.proc.ProcessSampler;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.rules.Detector;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O-wait detector with the shipped rules, fed by the real samplers over real captures of
 * this machine kind while dd wrote to vda (scripts/capture/disk-load.sh), and by the shipped
 * I/O-wait scenario (scripts/capture/incident-archives.sh): the incident must name dd and its
 * disk, and none of the bystanders or the shells and wrappers that ran dd.
 */
class IoWaitScenarioTest {

    private static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured/proc");
    private static final IoWaitRule SHIPPED = RuleFiles.load(Path.of("../rules")).iowait();
    /**
     * The /proc captures are three snapshots a second apart: no rule that must hold for 10 s can
     * fire on two seconds. These tests are about who is named, so they shorten the hold to "from
     * the second sample on" and keep every shipped threshold; the 46 s scenario below runs the
     * shipped rule whole.
     */
    private static final IoWaitRule RULE = new IoWaitRule(SHIPPED.name(), SHIPPED.iowaitPct(), SHIPPED.pressureSomePct(),
            SHIPPED.diskAwaitMs(), SHIPPED.diskQueueSize(), SHIPPED.criticalPct(), 1, SHIPPED.cooldownMs(),
            SHIPPED.minUpdateMs(), SHIPPED.silenceMs());

    private record Run(List<Event> events, List<Alert> alerts) {}

    @TempDir
    Path proc;

    private Run detect(String scenario) throws IOException {
        IoWaitDetector detector = new IoWaitDetector(RULE);
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        List<Event> sent = new ArrayList<>();
        CaptureClock readTime = new CaptureClock(0);
        HostSampler host = new HostSampler(proc, "vm", readTime, DeviceFilter.DISKS_ONLY);
        ProcessSampler processes = new ProcessSampler(proc, "vm", readTime, 10);
        for (String snapshot : List.of("t0", "t1", "t2")) {
            Path from = CAPTURED.resolve(scenario).resolve(snapshot);
            readTime.set(readTimeOf(from));
            show(from);
            List<Event> events = new ArrayList<>(host.sample());
            events.addAll(processes.sample());
            sent.addAll(events);
            for (Event e : events) {
                Detector.Transition<IoWaitDetector.State> step = detector.onEvent(state, e);
                state = step.state();
                alerts.addAll(step.alerts());
            }
        }
        return new Run(sent, alerts);
    }

    @Test
    void ddWritingIsBelowTheShippedRuleYetIsTheOneProcessTheSamplerSends() throws IOException {
        Run run = detect("dd-write");

        // dd at 1.2 GB/s O_DIRECT on virtio held iowait at 19 % and answered in 0.4 ms: the host
        // was busy, not stalled, and the shipped 20 % rule rightly sees no incident in it.
        assertThat(run.alerts()).isEmpty();
        List<ProcessIoSample> sent = run.events().stream()
                .filter(e -> e instanceof ProcessIoSample).map(e -> (ProcessIoSample) e).toList();
        assertThat(sent).isNotEmpty();
        assertThat(sent.get(0).pid() + " " + sent.get(0).comm()).isEqualTo("27245 dd");
        assertThat(sent.get(0).disks()).containsExactly("vda");
        assertThat(sent.get(0).writeBytesPerSec()).isGreaterThan(500e6);
        // sha256sum read 230 MB/s of cached data, bash only waited for dd, sleep slept
        assertThat(sent).extracting(ProcessIoSample::comm).doesNotContain("sha256sum", "bash", "sleep");
    }

    @Test
    void theParentShellOfAnExitedWriterIsNotBlamed() throws IOException {
        List<Alert> alerts = detect("child-exit").alerts();

        assertThat(alerts).isNotEmpty();
        assertThat(alerts).allSatisfy(a -> assertThat(a.incident().culprits().stream()
                .filter(c -> c.role().equals("process")).map(Culprit::name).toList())
                .isNotEmpty()
                .doesNotContain("29890 bash"));
    }

    @Test
    void theShippedScenarioUnderTheShippedRuleNamesDdAndItsDiskAndEnds() {
        List<Event> events = EventArchive.read(getClass().getResourceAsStream("/scenarios/iowait.jsonl.gz"), "iowait");
        IoWaitDetector detector = new IoWaitDetector(SHIPPED);
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        long last = 0;
        for (Event e : events) {
            Detector.Transition<IoWaitDetector.State> step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
            last = e.ts();
        }
        for (long t = last + 5_000; detector.wantsTicks(state); t += 5_000) {
            Detector.Transition<IoWaitDetector.State> step = detector.onTick(state, "demo-iowait", t);
            state = step.state();
            alerts.addAll(step.alerts());
        }

        assertThat(alerts).extracting(Alert::state).startsWith(Alert.State.FIRING).endsWith(Alert.State.RESOLVED);
        for (Alert a : alerts) {
            List<Culprit> processes = a.incident().culprits().stream().filter(c -> c.role().equals("process")).toList();
            assertThat(processes).isNotEmpty();
            assertThat(processes.get(0).name()).endsWith(" dd");
            List<Culprit> disks = a.incident().culprits().stream().filter(c -> c.role().equals("disk")).toList();
            assertThat(disks).extracting(Culprit::name).containsExactly("vda");
            // the disk as it was during the stall, not idle after dd stopped
            assertThat(disks.get(0).evidence().get("utilPct")).as(a.state() + " %util").isGreaterThan(50);
        }
        assertThat(alerts.get(alerts.size() - 1).incident().resolution()).isNotNull();
    }

    @Test
    void noProcessInTheShippedScenarioWritesFasterThanItsDisksAndPageCacheCouldTakeIn() {
        List<Event> events = EventArchive.read(getClass().getResourceAsStream("/scenarios/iowait.jsonl.gz"), "iowait");
        java.util.TreeMap<Long, Double> diskBytesPerSec = new java.util.TreeMap<>();
        for (Event e : events) {
            if (e instanceof DiskSample d) {
                diskBytesPerSec.merge(d.ts(), d.writeKbPerSec() * 1024, Double::sum);
            }
        }
        List<ProcessIoSample> processes = events.stream()
                .filter(e -> e instanceof ProcessIoSample).map(e -> (ProcessIoSample) e).toList();

        assertThat(processes).isNotEmpty();
        // dd writes O_DIRECT: nothing waits in the page cache, so what processes write is what the disk took.
        assertThat(processes).allSatisfy(p -> assertThat(p.writeBytesPerSec())
                .as("%s %s at %d", p.pid(), p.comm(), p.ts())
                .isLessThanOrEqualTo(2 * sameTick(diskBytesPerSec, p.ts()) + 64 * 1024 * 1024));
    }

    /** The disks' figure of the tick a process sample belongs to: read within the same second. */
    private static double sameTick(java.util.TreeMap<Long, Double> byTs, long ts) {
        var before = byTs.floorEntry(ts);
        return before != null && ts - before.getKey() < 500 ? before.getValue() : 0.0;
    }

    private static long readTimeOf(Path snapshot) throws IOException {
        return Files.readAllLines(snapshot.resolve("SNAPSHOT.txt")).stream()
                .filter(l -> l.startsWith("epoch_ms_start=")).map(l -> Long.parseLong(l.substring(15)))
                .findFirst().orElseThrow();
    }

    /** Makes the proc root show one snapshot, as the live /proc shows the present. */
    private void show(Path snapshot) throws IOException {
        try (Stream<Path> old = Files.walk(proc)) {
            old.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(proc)).forEach(p -> p.toFile().delete());
        }
        try (Stream<Path> files = Files.walk(snapshot)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = proc.resolve(snapshot.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
