package dev.culprit.events.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void everyUnitReadsAndTheShortestFormReadsBack() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse(" 20s ")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        for (long millis : new long[] {0, 250, 30_000, 90_000, 3_600_000, 86_400_000, 172_800_000}) {
            assertThat(Durations.read(Durations.of(millis))).contains(Duration.ofMillis(millis));
        }
        assertThat(Durations.of(90_000)).isEqualTo("90s");
        assertThat(Durations.of(120_000)).isEqualTo("2m");
    }

    @Test
    void whatIsNotADurationSaysHowToWriteOne() {
        assertThat(Durations.read("10")).isEmpty();
        assertThat(Durations.read("ten seconds")).isEmpty();
        assertThat(Durations.read("-5s")).isEmpty();
        // a number a long cannot hold is a typo, not an overflow deep inside
        assertThat(Durations.read("9999999999999999999s")).isEmpty();
        assertThatThrownBy(() -> Durations.parse("5 minutes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'5 minutes' is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 20s");
    }

    @Test
    void sizesReadInBinaryUnits() {
        assertThat(Durations.parseSize("512KiB")).isEqualTo(512L << 10);
        assertThat(Durations.parseSize("2GiB")).isEqualTo(2L << 30);
        assertThat(Durations.parseSize("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> Durations.parseSize("2GB")).hasMessageContaining("not a size");
    }
}
