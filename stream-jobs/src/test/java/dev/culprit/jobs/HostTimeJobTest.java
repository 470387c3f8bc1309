package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Topics;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts do not share a clock: one host an hour ahead and one shipping an hour of spooled backlog
 * leave a third host's incident exactly as it is without them, and do not hold its alerts back.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class HostTimeJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_795_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final int SECONDS = 120;
    /** Each host in a partition of its own, so that the job's watermark is the slowest host's. */
    private static final Map<String, Integer> PARTITION = Map.of("alone", 0, "among-others", 0, "ahead", 1, "backlog", 2);

    @TempDir
    Path dataDir;

    @Test
    void aHostAnHourAheadAndAHostWithAnHoursBacklogChangeNothingOfAThirdHostsIncident(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Database db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");

        List<String> alone = runUntilResolved(kafka, db, host("alone", false), "alone", "job-alone");
        List<String> amongOthers = runUntilResolved(kafka, db, host("among-others", true), "among-others", "job-among-others");

        assertThat(alone).hasSize(2);
        assertThat(alone.get(0)).startsWith("firing ");
        assertThat(alone.get(1)).startsWith("resolved ");
        assertThat(amongOthers).isEqualTo(alone);
    }

    /**
     * Two minutes of a host's CPU samples, 30 s of them at 45 % iowait, a little out of order; with {@code withOthers}, a
     * host an hour ahead sampled at the same moments and a host whose spooled hour arrives thirty
     * samples a second, interleaved as one partition delivers them.
     */
    private static List<CpuSample> host(String name, boolean withOthers) {
        List<CpuSample> records = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            if (withOthers) {
                records.add(cpu("ahead", T0 + HOUR + s * 1000L, 2));
                for (int b = 0; b < 30; b++) {
                    records.add(cpu("backlog", T0 - HOUR + (s * 30L + b) * 1000L, 40));
                }
            }
            // two streams of one host deliver a second apart, so its samples arrive with neighbours swapped
            int second = s % 2 == 0 ? s + 1 : s - 1;
            records.add(cpu(name, T0 + second * 1000L, second >= 20 && second < 50 ? 45 : 2));
        }
        return records;
    }

    private static CpuSample cpu(String host, long ts, double iowait) {
        return new CpuSample(host, "proc", ts, 1, 1000, 5, 0, 5, iowait, 0, 60, null, null, null);
    }

    /** Runs the job until the host's incident is resolved in H2; its alerts as the history keeps them. */
    private static List<String> runUntilResolved(KafkaCluster kafka, Database db, List<CpuSample> samples, String host, String group)
            throws Exception {
        return LiveRun.untilResolved(kafka, db, StreamExecutionEnvironment.getExecutionEnvironment(), List.of(), samples,
                s -> PARTITION.get(s.host()), host, group);
    }
}
