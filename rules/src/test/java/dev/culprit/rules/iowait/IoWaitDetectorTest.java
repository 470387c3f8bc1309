package dev.culprit.rules.iowait;

import dev.culprit.rules.Detector;
import dev.culprit.rules.ShippedRules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.events.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoWaitDetectorTest {

    private final IoWaitDetector detector = new IoWaitDetector(ShippedRules.RULES.iowait());

    private static CpuSample cpu(long second, double iowait) {
        return new CpuSample("web1", "proc", second * 1000, 1, 1000, 5, 0, 5, iowait, 0, 90 - iowait, null, null, null);
    }

    private static DiskSample disk(long second, String device, double await, double queue) {
        return new DiskSample("web1", "proc", second * 1000, 1, device, 1000, 0, 300, 0, 0, 0, 150_000, 0, 0, await, 0, 0, queue, 100);
    }

    private static ProcessIoSample writer(long second, int pid, String comm, double bytesPerSec, String disk) {
        return new ProcessIoSample("web1", "proc", second * 1000, 1, pid, 1_000L * pid, 1, comm, comm, "D", 1000, 0, bytesPerSec,
                null, 1, null, null, disk == null ? List.of() : List.of(disk), List.of());
    }

    private List<Alert> feed(List<Event> events) {
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        for (Event e : events) {
            Detector.Transition<IoWaitDetector.State> step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
        }
        return alerts;
    }

    /** Events, then event time passing in the job's 5 s ticks up to {@code untilSecond} with nothing heard. */
    private List<Alert> feedThenSilence(List<Event> events, long untilSecond) {
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        long last = 0;
        for (Event e : events) {
            Detector.Transition<IoWaitDetector.State> step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
            last = e.ts();
        }
        for (long t = last + 5_000; t <= untilSecond * 1000 && detector.wantsTicks(state); t += 5_000) {
            Detector.Transition<IoWaitDetector.State> step = detector.onTick(state, "web1", t);
            state = step.state();
            alerts.addAll(step.alerts());
        }
        return alerts;
    }

    @Test
    void processesSeenBeforeTheStallAreNotItsCulpritsAndAStallNobodyCausedSaysSo() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            samples.add(cpu(s, 2));
            if (s < 5) {
                samples.add(writer(s, 4242, "rsync", 80e6, "vda")); // an hour-old backup, long finished
            }
        }
        for (int s = 20; s < 40; s++) {
            samples.add(cpu(s, 45)); // RAID resync or writeback: no process is charged
            samples.add(disk(s, "vda", 2, 1));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        assertThat(alerts.get(0).incident().culprits()).extracting(Culprit::role).containsExactly("disk");
        assertThat(alerts.get(0).incident().culprits()).extracting(Culprit::name).containsExactly("vda");
        assertThat(alerts.get(0).incident().summary())
                .contains("no process was charged: writeback, discard, or I/O outside this host")
                .doesNotContain("rsync");
    }

    @Test
    void theDiskThatCarriesTheWritersIoIsNamedWithItsFiguresThoughItIsFast() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            samples.add(cpu(s, 30));
            samples.add(disk(s, "vda", 0.4, 0.9)); // virtio answers in 0.4 ms: never "slow" by the rule
            samples.add(disk(s, "vdb", 0.1, 0.0));
            samples.add(writer(s, 27031, "dd", 1.2e9, "vda"));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).hasSize(1);
        List<Culprit> culprits = alerts.get(0).incident().culprits();
        assertThat(culprits).extracting(Culprit::name).containsExactly("vda", "27031 dd");
        assertThat(culprits.get(0).details()).containsEntry("why", "carries the I/O of 27031 dd");
        assertThat(culprits.get(0).evidence()).containsEntry("writeAwaitMs", 0.4).containsEntry("writeKbPerSec", 150_000.0);
    }

    @Test
    void aHostThatStopsReportingMidStallResolvesAfterTheShippedSilence() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            samples.add(cpu(s, 60));
        }

        List<Alert> alerts = feedThenSilence(samples, 600);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        Alert resolved = alerts.get(1);
        assertThat(resolved.incident().resolution()).isEqualTo("host sent nothing for 1m");
        assertThat(resolved.incident().end()).isEqualTo(19_000L);
        assertThat(resolved.ts()).isBetween(19_000L + 60_000, 19_000L + 65_000);
        assertThat(resolved.incident().summary()).contains("iowait up to 60.0%");
    }

    @Test
    void aDiskThatStopsReportingLeavesTheState() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            samples.add(cpu(s, 1));
            samples.add(disk(s, "sdb", 180, 12)); // slow, then hot-unplugged
        }
        for (int s = 15; s < 100; s++) {
            samples.add(cpu(s, 1));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts.get(1).incident().resolution()).isEqualTo("condition cleared");
        assertThat(alerts.get(1).incident().end()).isLessThan(20_000L);
    }

    @Test
    void aSustainedStallFiresOnceAndResolvesAfterTheCooldown() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            samples.add(cpu(s, 35));
        }
        for (int s = 30; s < 70; s++) {
            samples.add(cpu(s, 1));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts.get(0).ts()).isEqualTo(10_000);
        assertThat(alerts.get(0).incident().severity()).isEqualTo(Severity.WARNING);
        assertThat(alerts.get(1).incident().end()).isEqualTo(30_000L);
        assertThat(alerts.get(1).incident().id()).isEqualTo(alerts.get(0).incident().id());
    }

    @Test
    void aShortSpikeIsNotAnIncident() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            samples.add(cpu(s, s >= 20 && s < 25 ? 80 : 2));
        }

        assertThat(feed(samples)).isEmpty();
    }

    @Test
    void aSlowQueuedDiskIsNamedEvenWhenIowaitHides() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            samples.add(cpu(s, 3)); // CPUs busy with other work: iowait stays low
            samples.add(disk(s, "vda", 180, 12));
            samples.add(disk(s, "vdb", 0.4, 0.01));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).incident().culprits()).extracting(c -> c.name()).containsExactly("vda");
        assertThat(alerts.get(0).incident().culprits().get(0).evidence()).containsEntry("queueSize", 12.0);
    }

    @Test
    void aDiskStalledOnDiscardsIsSlowThoughItsReadsAndWritesAreFast() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            samples.add(cpu(s, 3));
            // fstrim on an SSD: 40 discards a second, each waiting 400 ms, 16 queued; no read or write to see
            samples.add(new DiskSample("web1", "proc", s * 1000L, 1, "sda", 1000, 0, 2, 40, 0, 0, 8, 2_000_000,
                    0, 0.5, 400, 0, 16, 100));
        }

        List<Alert> alerts = feed(samples);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        Culprit sda = alerts.get(0).incident().culprits().get(0);
        assertThat(sda.name()).isEqualTo("sda");
        assertThat(sda.details()).containsEntry("why", "slow: await and queue at or above the rule's");
        assertThat(sda.evidence()).containsEntry("discardAwaitMs", 400.0).containsEntry("discardsPerSec", 40.0);
        assertThat(alerts.get(0).incident().summary()).contains("d_await 400.0 ms").contains("no process was charged");
    }

    @Test
    void aHighUtilFastDiskIsNotSlow() {
        List<Event> samples = new ArrayList<>();
        for (int s = 0; s < 15; s++) {
            samples.add(cpu(s, 1));
            samples.add(disk(s, "nvme0n1", 0.2, 0.3)); // 100 %util, but answers in 0.2 ms
        }

        assertThat(feed(samples)).isEmpty();
    }

    @Test
    void aThresholdOfZeroFiresOnAnyHost() {
        IoWaitDetector anything = new IoWaitDetector(IoWaitRule.DEFAULT.withIowaitPct(0));
        IoWaitDetector.State state = IoWaitDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        for (int s = 0; s <= 10; s++) {
            Detector.Transition<IoWaitDetector.State> step = anything.onEvent(state, cpu(s, 0));
            state = step.state();
            alerts.addAll(step.alerts());
        }

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
    }
}
