package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.iowait.IoWaitRule;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The detector host under Flink's operator test harness: keyed state, event-time timers, late events, restore. */
class DetectorFunctionHarnessTest {

    private static final IoWaitRule RULE = IoWaitRule.DEFAULT; // 20 % for 10 s, cool-down 30 s

    private static CpuSample cpu(String host, long second, double iowait) {
        return new CpuSample(host, "proc", second * 1000, 1, 1000, iowait, 5, 5, 60, null, null, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Alert> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DetectorFunction<>(new IoWaitDetector(RULE))), Event::host, Types.STRING);
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

            h.processWatermark(new Watermark(12_000));

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(h.extractOutputValues().get(0).incident().start()).isEqualTo(0);
            assertThat(h.extractOutputValues().get(0).ts()).isEqualTo(10_000);
        }
    }

    @Test
    void aLateEventIsCountedAndStillJudged() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processWatermark(new Watermark(100_000));
            for (int s = 0; s <= 10; s++) {
                h.processElement(cpu("web1", s, 40), s * 1000L); // all behind the watermark
            }

            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(((DetectorFunction<?>) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction())
                    .lateEventCount()).isEqualTo(11);
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
            h.processWatermark(new Watermark(12_000));

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
            h.processWatermark(new Watermark(15_000));
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            snapshot = h.snapshot(1, 15_000);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            for (int s = 16; s <= 60; s++) {
                restored.processElement(cpu("web1", s, 1), s * 1000L);
            }
            restored.processWatermark(new Watermark(60_000));

            assertThat(restored.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.RESOLVED);
            assertThat(restored.extractOutputValues().get(0).incident().end()).isEqualTo(16_000L);
        }
    }
}
