package dev.culprit.collectors.apache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Restarts the captured pages do not show: ones hidden inside a long gap between polls. */
class AccessCountTest {

    // event-before-restart-auto.txt: Total Accesses 60187, uptime 18 s, read at 1795984769208
    private static final AccessCount BEFORE =
            new AccessCount(60187, 18L, "Sunday, 29-Nov-2026 20:39:10 UTC", 1_795_984_769_208L);

    @Test
    void aRestartDuringAnOutageIsCaughtByItsRestartTimeEvenWhenTheCountersGrewPastTheOldOnes() {
        AccessCount tenMinutesLater = new AccessCount(90000, 500L, "Sunday, 29-Nov-2026 20:41:00 UTC",
                1_795_984_769_208L + 600_000);

        assertThat(tenMinutesLater.perSecondSince(BEFORE)).isNull();
    }

    @Test
    void aClockThatSteppedBackGivesNoRate() {
        AccessCount earlierByTheClock = new AccessCount(60200, 19L, "Sunday, 29-Nov-2026 20:39:10 UTC",
                1_795_984_769_208L - 1_000);

        assertThat(earlierByTheClock.perSecondSince(BEFORE)).isNull();
    }

    @Test
    void withoutARestartTheRateSpansTheWholeGap() {
        AccessCount tenMinutesLater = new AccessCount(60187 + 60_000, 618L, "Sunday, 29-Nov-2026 20:39:10 UTC",
                1_795_984_769_208L + 600_000);

        assertThat(tenMinutesLater.perSecondSince(BEFORE)).isEqualTo(100.0);
    }
}
