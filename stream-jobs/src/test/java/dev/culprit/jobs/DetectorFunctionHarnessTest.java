package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
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

/** The detector host under Flink's operator test harness: keyed state, event-time timers, late events, restore. */
class DetectorFunctionHarnessTest {

    private static final IoWaitRule RULE = IoWaitRule.DEFAULT; // 20 % for 10 s, cool-down 30 s

    private static CpuSample cpu(String host, long second, double iowait) {
        return new CpuSample(host, "proc", second * 1000, 1, 1000, 5, 0, 5, iowait, 0, 60, null, null, null);
    }

    /** Moves event time on both inputs, as the job's sources do. */
    private static void advance(KeyedBroadcastOperatorTestHarness<String, Event, RuleSet, Alert> h, long to) throws Exception {
        h.processWatermark(new Watermark(to));
        h.processBroadcastWatermark(new Watermark(to));
    }

    private static KeyedBroadcastOperatorTestHarness<String, Event, RuleSet, Alert> harness() throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new DetectorFunction<>(RuleSet.DEFAULT.withIowait(RULE),
                        rules -> new IoWaitDetector(rules.iowait())), List.of(DetectorFunction.RULES)),
                Event::host, Types.STRING, 1, 1, 0);
    }

    @Test
    void eventsWaitForTheWatermarkAndAreJudgedInEventTimeOrder() throws Exception {
        try (var h = harness()) {
            h.open();
            // arrive newest first: only the watermark puts them in order
            for (int s = 12; s >= 0; s--) {
                h.processElement(cpu("web1", s, 40), s * 1000L);
            }
            assertThat(h.extractOutputValues()).as("nothing before the watermark passes").isEmpty();

            advance(h, 12_000);

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(h.extractOutputValues().get(0).incident().start()).isEqualTo(0);
            assertThat(h.extractOutputValues().get(0).ts()).isEqualTo(10_000);
        }
    }

    @Test
    void aLateEventIsCountedAndStillJudged() throws Exception {
        try (var h = harness()) {
            h.open();
            advance(h, 100_000);
            for (int s = 0; s <= 10; s++) {
                h.processElement(cpu("web1", s, 40), s * 1000L); // all behind the watermark
            }

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(((DetectorFunction<?>) ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) h.getOperator()).getUserFunction())
                    .lateEventCount()).isEqualTo(11);
        }
    }

    @Test
    void aPushedRuleAppliesFromTheNextEventOn() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processBroadcastElement(RuleSet.DEFAULT.withIowait(RULE.withIowaitPct(50)), 0);
            for (int s = 0; s <= 12; s++) {
                h.processElement(cpu("web1", s, 25), s * 1000L);
            }
            advance(h, 12_000);
            assertThat(h.extractOutputValues()).as("25 % under a pushed 50 % rule").isEmpty();

            h.processBroadcastElement(RuleSet.DEFAULT.withIowait(RULE), 12_000);
            for (int s = 13; s <= 25; s++) {
                h.processElement(cpu("web1", s, 25), s * 1000L);
            }
            advance(h, 25_000);

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(h.extractOutputValues().get(0).incident().start()).isEqualTo(13_000);
        }
    }

    @Test
    void whenEveryHostFallsSilentEventTimeRunsOnWithTheClockAndTheIncidentResolves() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(1_000_000);
            for (int s = 0; s <= 15; s++) {
                h.processElement(cpu("web1", s, 40), s * 1000L);
            }
            advance(h, 15_000); // and then nothing more, from any host: the watermark stands still
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);

            for (long wall = 1_005_000; wall <= 1_050_000; wall += 5_000) {
                h.setProcessingTime(wall);
            }
            assertThat(h.extractOutputValues()).as("within the rule's silence").hasSize(1);
            for (long wall = 1_055_000; wall <= 1_120_000; wall += 5_000) {
                h.setProcessingTime(wall);
            }

            List<Alert> alerts = h.extractOutputValues();
            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(alerts.get(1).incident().resolution()).isEqualTo("host sent nothing for 1m");
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
            advance(h, 12_000);

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
            advance(h, 15_000);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            snapshot = h.snapshot(1, 15_000);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int s = 16; s <= 60; s++) {
                restored.processElement(cpu("web1", s, 1), s * 1000L);
            }
            advance(restored, 60_000);

            assertThat(restored.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.RESOLVED);
            assertThat(restored.extractOutputValues().get(0).incident().end()).isEqualTo(16_000L);
        }
    }
}
