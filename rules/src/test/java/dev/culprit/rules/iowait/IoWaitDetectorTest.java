package dev.culprit.rules.iowait;

import dev.culprit.rules.Detector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IoWaitDetectorTest {

    private final IoWaitDetector detector = new IoWaitDetector(IoWaitRule.DEFAULT);

    private static CpuSample cpu(long second, double iowait) {
        return new CpuSample("web1", "proc", second * 1000, 1, 1000, 5, 0, 5, iowait, 0, 90 - iowait, null, null, null);
    }

    private static DiskSample disk(long second, String device, double await, double queue) {
        return new DiskSample("web1", "proc", second * 1000, 1, device, 1000, 0, 300, 0, 0, 0, 150_000, 0, 0, await, 0, 0, queue, 100);
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
