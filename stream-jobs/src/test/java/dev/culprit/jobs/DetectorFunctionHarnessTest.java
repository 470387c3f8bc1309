package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.iowait.IoWaitRule;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import dev.culprit.rules.RuleSet;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The detector host under Flink's operator test harness: keyed state, each host's own event time, late events, restore. */
class DetectorFunctionHarnessTest {

    private static final IoWaitRule RULE = IoWaitRule.DEFAULT; // 20 % for 10 s, cool-down 30 s

    private static CpuSample cpu(String host, long second, double iowait) {
        return new CpuSample(host, "proc", second * 1000, 1, 1000, 5, 0, 5, iowait, 0, 60, null, null, null);
    }

    /** Moves the job's watermark on both inputs, as the job's sources do (at the end of a bounded input: to the end of time). */
    private static void advance(KeyedBroadcastOperatorTestHarness<String, Event, RuleSet, Alert> h, long to) throws Exception {
        h.processWatermark(new Watermark(to));
        h.processBroadcastWatermark(new Watermark(to));
    }

    private static ProcessIoSample dd(String host, long second) {
        return new ProcessIoSample(host, "proc", second * 1000, 1, 4211, 100L, 1, "dd", "dd if=/dev/zero of=/var/tmp/x", "D",
                1_000, 0, 9.2e7, 400L, 5, null, null, List.of("vda"), List.of("/var/tmp/x"));
    }

    private static long lateEvents(KeyedBroadcastOperatorTestHarness<String, Event, RuleSet, Alert> h) {
        return ((DetectorFunction<?>) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction()).lateEventCount();
    }

    private static KeyedBroadcastOperatorTestHarness<String, Event, RuleSet, Alert> harness() throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new DetectorFunction<>(RuleSet.DEFAULT.withIowait(RULE),
                        rules -> new IoWaitDetector(rules.iowait()), DetectorFunction.Input.LIVE), List.of(DetectorFunction.RULES)),
                Event::host, Types.STRING, 1, 1, 0);
    }

    @Test
    void aHostsEventsWaitOutTheOutOfOrdernessAndAreJudgedInEventTimeOrder() throws Exception {
        try (var h = harness()) {
            h.open();
            // neighbours swapped, as two streams of one host may deliver them: 1, 0, 3, 2, ...
            for (int s = 0; s <= 12; s += 2) {
                h.processElement(cpu("web1", s + 1, 40), 0);
                h.processElement(cpu("web1", s, 40), 0);
                if (s == 8) {
                    assertThat(h.extractOutputValues()).as("nothing before the host's time passes 10 s").isEmpty();
                }
            }

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(h.extractOutputValues().get(0).incident().start()).isEqualTo(0);
            assertThat(h.extractOutputValues().get(0).ts()).isEqualTo(10_000);
            assertThat(lateEvents(h)).isZero();
        }
    }

    @Test
    void aLateEventIsCountedAndStillJudged() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(cpu("web1", 100, 1), 0);
            for (int s = 0; s <= 10; s++) {
                h.processElement(cpu("web1", s, 40), 0); // all behind the host's own time
            }

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(lateEvents(h)).isEqualTo(11);
        }
    }

    @Test
    void aPushedRuleAppliesFromTheNextEventJudgedOn() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processBroadcastElement(RuleSet.DEFAULT.withIowait(RULE.withIowaitPct(50)), 0);
            for (int s = 0; s <= 12; s++) {
                h.processElement(cpu("web1", s, 25), 0);
            }
            h.setProcessingTime(DetectorFunction.STREAM_IDLE_MS + DetectorFunction.TICK_MS); // the host goes quiet: all judged
            assertThat(h.extractOutputValues()).as("25 % under a pushed 50 % rule").isEmpty();

            h.processBroadcastElement(RuleSet.DEFAULT.withIowait(RULE), 12_000);
            for (int s = 13; s <= 25; s++) {
                h.processElement(cpu("web1", s, 25), 0);
            }

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(h.extractOutputValues().get(0).incident().start()).isEqualTo(13_000);
        }
    }

    /**
     * Hosts share an operator as they share a Kafka partition. One host's clock runs an hour ahead,
     * another ships an hour of spooled backlog; the third's incident is the same as without them.
     */
    @Test
    void aHostAnHourAheadAndAHostAnHourBehindChangeNothingOfAnotherHostsIncident() throws Exception {
        List<Alert> alone = normalHostsAlerts(false);
        List<Alert> amongOthers = normalHostsAlerts(true);

        assertThat(alone).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(amongOthers).isEqualTo(alone);
    }

    private static List<Alert> normalHostsAlerts(boolean withOthers) throws Exception {
        long now = 1_800_000_000L; // seconds
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 120; s++) {
                h.setProcessingTime((now + s) * 1000);
                if (withOthers) {
                    h.processElement(cpu("ahead", now + 3600 + s, 1), 0);
                    for (int b = 0; b < 30; b++) { // the backlog arrives thirty times faster than real time
                        h.processElement(cpu("behind", now - 3600 + s * 30 + b, 40), 0);
                    }
                }
                h.processElement(cpu("normal", now + s, s >= 20 && s < 50 ? 45 : 2), 0);
            }
            return h.extractOutputValues().stream().filter(a -> a.host().equals("normal")).toList();
        }
    }

    @Test
    void atTheEndOfABoundedInputWhatWaitsIsJudgedAndAnOpenIncidentRunsToItsEnd() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 15; s++) {
                h.processElement(cpu("web1", s, 40), 0);
            }
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);

            advance(h, Long.MAX_VALUE);

            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(alerts.get(1).incident().end()).isEqualTo(15_000L);
        }
    }

    @Test
    void whenAHostFallsSilentItsTimeRunsOnWithTheClockAndTheIncidentResolves() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 15; s++) {
                h.setProcessingTime(s * 1000L); // the host's clock is right
                h.processElement(cpu("web1", s, 40), 0);
            }
            // and then nothing more from the host: its time stands still
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);

            for (long wall = 20_000; wall <= 60_000; wall += 5_000) {
                h.setProcessingTime(wall);
            }
            assertThat(h.extractOutputValues()).as("within the rule's silence").hasSize(1);
            for (long wall = 65_000; wall <= 120_000; wall += 5_000) {
                h.setProcessingTime(wall);
            }

            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(alerts.get(1).incident().resolution()).isEqualTo("host sent nothing for 1m");
            assertThat(alerts.get(1).incident().end()).isEqualTo(15_000L);
        }
    }

    @Test
    void aHostWhoseBacklogHasArrivedAndThenFallsSilentResolvesWithinSecondsNotAMinuteLater() throws Exception {
        long wallStart = 25 * 60_000L + 15_000; // the backlog ended 25 minutes ago
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(wallStart);
            for (int s = 0; s <= 15; s++) {
                h.processElement(cpu("web1", s, 40), 0);
            }

            for (long wall = wallStart; wall <= wallStart + DetectorFunction.SILENT_HOST_MS + 2 * DetectorFunction.TICK_MS;
                 wall += 1_000) {
                h.setProcessingTime(wall);
            }

            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(alerts.get(1).incident().end()).isEqualTo(15_000L);
        }
    }

    @Test
    void hostsAreJudgedApart() throws Exception {
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 12; s++) {
                h.processElement(cpu("busy", s, 40), s * 1000L);
                h.processElement(cpu("quiet", s, 1), s * 1000L);
            }

            assertThat(h.extractOutputValues()).extracting(Alert::host).containsExactly("busy");
        }
    }

    @Test
    void anIncidentSurvivesACheckpointAndResolvesAfterTheRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 15; s++) {
                h.processElement(cpu("web1", s, 40), s * 1000L);
            }
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            snapshot = h.snapshot(1, 15_000);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int s = 16; s <= 60; s++) {
                restored.processElement(cpu("web1", s, 1), s * 1000L);
            }

            assertThat(restored.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.RESOLVED);
            assertThat(restored.extractOutputValues().get(0).incident().end()).isEqualTo(16_000L);
        }
    }

    @Test
    void eventsWaitingAtACheckpointAreJudgedInOrderAfterTheRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 11; s++) {
                h.processElement(cpu("web1", s, 40), 0);
            }
            assertThat(h.extractOutputValues()).as("judged up to 9 s: 10 s and 11 s still wait").isEmpty();
            snapshot = h.snapshot(1, 0);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(cpu("web1", 12, 40), 0);

            assertThat(restored.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(restored.extractOutputValues().get(0).ts()).as("fired by the restored 10 s sample").isEqualTo(10_000);
            assertThat(restored.extractOutputValues().get(0).incident().start()).isEqualTo(0);
        }
    }

    @Test
    void afterARestoreTheStreamWhoseBacklogIsReadFirstWaitsForTheHostsOtherStreams() throws Exception {
        // one host's CPU and process streams: an incident from 0 s, dd behind it, below the threshold from 30 s
        List<List<Event>> seconds = new java.util.ArrayList<>();
        for (int s = 0; s <= 75; s++) {
            seconds.add(List.of(cpu("web1", s, s < 30 ? 40 : 1), dd("web1", s)));
        }
        List<Alert> uninterrupted;
        try (var h = harness()) {
            h.open();
            for (int s = 0; s < seconds.size(); s++) {
                h.setProcessingTime(s * 1000L);
                for (Event e : seconds.get(s)) {
                    h.processElement(e, 0);
                }
            }
            uninterrupted = h.extractOutputValues();
        }
        assertThat(uninterrupted).extracting(Alert::state).contains(Alert.State.FIRING, Alert.State.RESOLVED);

        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            for (int s = 0; s <= 15; s++) {
                h.setProcessingTime(s * 1000L);
                for (Event e : seconds.get(s)) {
                    h.processElement(e, 0);
                }
            }
            snapshot = h.snapshot(1, 15_000);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.setProcessingTime(60_000); // 45 s of downtime: the backlog waits in Kafka
            restored.open();
            // the backlog as a Kafka source reads it: all of one topic's records, then the other's
            for (int s = 16; s < seconds.size(); s++) {
                restored.processElement(seconds.get(s).get(0), 0);
            }
            restored.setProcessingTime(61_000);
            for (int s = 16; s < seconds.size(); s++) {
                restored.processElement(seconds.get(s).get(1), 0);
            }
            for (long wall = 62_000; wall <= 62_000 + DetectorFunction.SILENT_HOST_MS + 2 * DetectorFunction.TICK_MS; wall += 1_000) {
                restored.setProcessingTime(wall);
            }

            assertThat(lateEvents(restored)).as("events judged after later ones of the host").isZero();
            List<Alert> afterRestore = new java.util.ArrayList<>(uninterrupted.subList(0, 1)); // FIRING went out before the checkpoint
            afterRestore.addAll(restored.extractOutputValues());
            assertThat(afterRestore).as("the alerts of a run that never stopped").isEqualTo(uninterrupted);
        }
    }
}
