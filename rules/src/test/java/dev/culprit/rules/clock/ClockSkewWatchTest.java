package dev.culprit.rules.clock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.IncidentKind;
import dev.culprit.rules.Detector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClockSkewWatchTest {

    private static final long NOW = 1_795_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private final ClockSkewWatch watch = new ClockSkewWatch();
    private ClockSkewWatch.State state = ClockSkewWatch.State.NEW;
    private final List<Alert> alerts = new ArrayList<>();
    /** Transport delay: up to 800 ms between an event and Kafka taking it in. */
    private final Random delay = new Random(7);

    /** A sample a second for {@code seconds} of Kafka time from {@code from}, with the host's clock at {@code offset}. */
    private void live(long from, int seconds, long offset) {
        for (int s = 0; s < seconds; s++) {
            long kafkaTs = from + s * 1000L;
            step(watch.onEvent(state, "web1", kafkaTs + offset - delay.nextInt(800), kafkaTs));
        }
    }

    private void step(Detector.Transition<ClockSkewWatch.State> t) {
        state = t.state();
        alerts.addAll(t.alerts());
    }

    private static double offsetS(Alert a) {
        return a.incident().culprits().get(0).evidence().get("offsetS");
    }

    @Test
    void aHostWhoseClockAgreesIsNeverFlagged() {
        live(NOW, 600, 0);
        live(NOW + 600_000, 600, -ClockSkewWatch.LIMIT_MS / 2);

        assertThat(alerts).isEmpty();
    }

    @Test
    void aClockAnHourAheadIsFlaggedWithinSecondsWithItsOffset() {
        live(NOW, 10, HOUR);

        assertThat(alerts).hasSize(1);
        Alert flag = alerts.get(0);
        assertThat(flag.state()).isEqualTo(Alert.State.FIRING);
        assertThat(flag.incident().kind()).isEqualTo(IncidentKind.CLOCK);
        assertThat(flag.incident().start()).isBetween(NOW, NOW + 10_000);
        assertThat(offsetS(flag)).isBetween(3599.2, 3600.0);
        assertThat(flag.incident().summary()).containsPattern("web1.s clock runs (59m 59s|1h 0m 0s) ahead of Kafka.s");
    }

    @Test
    void aClockAnHourBehindIsFlaggedOnceItsLagHoldsStillForTwoWindows() {
        live(NOW, 60, -HOUR);

        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).state()).isEqualTo(Alert.State.FIRING);
        assertThat(offsetS(alerts.get(0))).isBetween(-3600.8, -3600.0);
        assertThat(alerts.get(0).incident().summary()).contains("behind Kafka's");
    }

    @Test
    void anHourOfBacklogShippedFastIsNotAClockBehind() {
        // 30 of the host's seconds reach Kafka each second until the backlog is caught up, then it is live
        long hostTs = NOW - HOUR;
        long kafkaTs = NOW;
        while (hostTs < kafkaTs) {
            for (int b = 0; b < 30; b++) {
                step(watch.onEvent(state, "web1", hostTs, kafkaTs));
                hostTs += 1000;
            }
            kafkaTs += 1000;
        }
        live(kafkaTs, 120, 0);

        assertThat(alerts).isEmpty();
    }

    @Test
    void aFlaggedClockThatIsSetRightIsResolved() {
        live(NOW, 30, HOUR);
        live(NOW + 30_000, 60, 0);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        Alert resolved = alerts.get(1);
        assertThat(resolved.incident().resolution()).isEqualTo("clock agrees with Kafka's again");
        assertThat(resolved.incident().id()).isEqualTo(alerts.get(0).incident().id());
        assertThat(resolved.incident().end()).isGreaterThanOrEqualTo(NOW + 30_000);
        assertThat(offsetS(resolved)).isEqualTo(offsetS(alerts.get(0)));
    }

    @Test
    void aClockThatJumpsFurtherIsRedrawnNotFlaggedTwice() {
        live(NOW, 30, HOUR);
        live(NOW + 30_000, 30, 3 * HOUR);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.UPDATE);
        assertThat(offsetS(alerts.get(1))).isBetween(3 * 3600.0 - 0.8, 3 * 3600.0);
        assertThat(alerts.get(1).incident().start()).isEqualTo(alerts.get(0).incident().start());
    }

    @Test
    void aFlaggedHostThatFallsSilentIsResolved() {
        live(NOW, 30, HOUR);
        long lastHeard = NOW + 29_000;
        assertThat(watch.wantsSilenceCheck(state)).isTrue();

        step(watch.onSilence(state, "web1", lastHeard + ClockSkewWatch.SILENT_MS - 1));
        assertThat(alerts).hasSize(1);
        step(watch.onSilence(state, "web1", lastHeard + ClockSkewWatch.SILENT_MS));

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts.get(1).incident().resolution()).isEqualTo("host sent nothing for 2m");
        assertThat(watch.wantsSilenceCheck(state)).isFalse();
    }

    @Test
    void oneOddEventAheadIsNotAClockAhead() {
        live(NOW, 20, 0);
        step(watch.onEvent(state, "web1", NOW + 20_000 + HOUR, NOW + 20_000));
        live(NOW + 21_000, 60, 0);

        assertThat(alerts).isEmpty();
    }
}
