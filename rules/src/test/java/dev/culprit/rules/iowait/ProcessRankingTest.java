package dev.culprit.rules.iowait;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Culprit;
import dev.culprit.events.ProcessIoSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRankingTest {

    private static ProcessIoSample sample(long second, int pid, Long startedMsAfterBoot, String comm, double writeBytesPerSec) {
        return new ProcessIoSample("web1", "proc", second * 1000, 1, pid, startedMsAfterBoot, 4200, comm, comm + " ...", "R",
                1000, 0, writeBytesPerSec, null, 0, "/", null, List.of("vda"), List.of());
    }

    @Test
    void aPidReusedInTheWindowIsTwoProcessesNotOneWithBothsBytes() {
        // dd writes 1 GB/s for three seconds and exits; the kernel hands its pid to a gzip that
        // writes 1 kB/s. By pid alone they were one culprit named "4211 gzip" at 750 MB/s.
        List<ProcessIoSample> window = List.of(
                sample(1, 4211, 3_811_230L, "dd", 1e9),
                sample(2, 4211, 3_811_230L, "dd", 1e9),
                sample(3, 4211, 3_811_230L, "dd", 1e9),
                sample(4, 4211, 3_815_900L, "gzip", 1e3));

        List<Culprit> culprits = ProcessRanking.topCulprits(window, 5);

        assertThat(culprits).extracting(Culprit::name).containsExactly("4211 dd", "4211 gzip");
        assertThat(culprits.get(0).evidence()).containsEntry("writeBytesPerSec", 1e9);
        assertThat(culprits.get(1).evidence()).containsEntry("writeBytesPerSec", 1e3);
        assertThat(culprits).extracting(c -> c.details().get("startedMsAfterBoot"))
                .as("what tells the two apart").containsExactly("3811230", "3815900");
    }

    @Test
    void samplesFromArchivesWithoutStartTimesAreTakenByPid() {
        List<ProcessIoSample> window = List.of(
                sample(1, 4211, null, "dd", 1e9),
                sample(2, 4211, null, "dd", 5e8),
                sample(2, 4300, null, "tar", 1e8));

        List<Culprit> culprits = ProcessRanking.topCulprits(window, 5);

        assertThat(culprits).extracting(Culprit::name).containsExactly("4211 dd", "4300 tar");
        assertThat(culprits.get(0).evidence()).containsEntry("writeBytesPerSec", 7.5e8);
        assertThat(culprits.get(0).details()).doesNotContainKey("startedMsAfterBoot");
    }
}
