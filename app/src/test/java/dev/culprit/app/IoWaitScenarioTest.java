package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.HostSampler;
import dev.culprit.collectors.proc.ProcessSampler;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.rules.Detector;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.iowait.IoWaitRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The I/O-wait detector fed by the real samplers over real captures of this machine kind while
 * dd wrote to vda (scripts/capture/disk-load.sh): the incident must name dd and its disk, and
 * none of the bystanders.
 */
class IoWaitScenarioTest {

    private static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured/proc");
    /** dd-write held iowait near 19 %: a rule at 15 % for 1 s sees it within the capture's two intervals. */
    private static final IoWaitRule RULE = new IoWaitRule("iowait", 15, 15, 50, 4, 50, 1_000, 30_000, 30_000);

    @TempDir
    Path proc;

    private List<Alert> detect(String scenario) throws IOException {
        IoWaitDetector detector = new IoWaitDetector(RULE);
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        SnapshotClock readTime = new SnapshotClock();
        HostSampler host = new HostSampler(proc, "vm", readTime, DeviceFilter.DISKS_ONLY);
        ProcessSampler processes = new ProcessSampler(proc, "vm", readTime, 10);
        for (String snapshot : List.of("t0", "t1", "t2")) {
            Path from = CAPTURED.resolve(scenario).resolve(snapshot);
            readTime.now = Instant.ofEpochMilli(readTimeOf(from));
            show(from);
            List<Event> events = new ArrayList<>(host.sample());
            events.addAll(processes.sample());
            for (Event e : events) {
                Detector.Transition<IoWaitDetector.State> step = detector.onEvent(state, e);
                state = step.state();
                alerts.addAll(step.alerts());
            }
        }
        return alerts;
    }

    @Test
    void ddWritingIsNamedWithItsDiskAndTheBystandersAreNot() throws IOException {
        List<Alert> alerts = detect("dd-write");

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        List<Culprit> processes = alerts.get(0).incident().culprits().stream()
                .filter(c -> c.role().equals("process")).toList();
        assertThat(processes).extracting(Culprit::name).containsExactly("27245 dd");
        assertThat(processes.get(0).details()).containsEntry("disks", "vda");
        assertThat(processes.get(0).evidence().get("writeBytesPerSec")).isGreaterThan(500e6);
        // sha256sum read 230 MB/s of cached data, bash only waited for dd, sleep slept
        assertThat(alerts.get(0).incident().summary()).contains("top process 27245 dd");
    }

    @Test
    void theParentShellOfAnExitedWriterIsNotBlamed() throws IOException {
        List<Alert> alerts = detect("child-exit");

        assertThat(alerts).allSatisfy(a -> assertThat(a.incident().culprits())
                .extracting(Culprit::name).doesNotContain("29890 bash"));
    }

    /** The wall clock of the moment each snapshot was read. */
    private static final class SnapshotClock extends Clock {
        Instant now = Instant.EPOCH;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
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
