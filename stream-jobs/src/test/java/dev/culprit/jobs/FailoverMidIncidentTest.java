package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Topics;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task of the job fails in the middle of an incident, just as its firing alert goes out: the job
 * is restored from its last checkpoint and the incident's history is exactly that of a run that
 * never failed, none of its alerts lost, none twice.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class FailoverMidIncidentTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_795_000_000_000L;
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @TempDir
    Path dataDir;

    @Test
    void aFailureAsTheIncidentFiresIsRestoredFromTheCheckpointWithNothingLostOrTwice(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Database db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");

        List<String> steady = LiveRun.untilResolved(kafka, db, restartingFromCheckpoints(), List.of(), stall("steady"),
                s -> 0, "steady", "job-steady");
        List<String> failedOver = LiveRun.untilResolved(kafka, db, restartingFromCheckpoints(),
                List.of(new FailsAtFirstFiring("failed-over")), stall("failed-over"), s -> 1, "failed-over", "job-failed-over");

        assertThat(FAILURES).as("task failures injected").hasValue(1);
        assertThat(steady).hasSize(2);
        assertThat(steady.get(0)).startsWith("firing ");
        assertThat(steady.get(1)).startsWith("resolved ");
        assertThat(failedOver).isEqualTo(steady);
    }

    private static StreamExecutionEnvironment restartingFromCheckpoints() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(1_000);
        return env;
    }

    /** Two minutes of a host's CPU samples, 30 s of them at 45 % iowait. */
    private static List<CpuSample> stall(String host) {
        List<CpuSample> samples = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            double iowait = s >= 20 && s < 50 ? 45 : 2;
            samples.add(new CpuSample(host, "proc", T0 + s * 1000L, 1, 1000, 5, 0, 5, iowait, 0, 60, null, null, null));
        }
        return samples;
    }

    /** Fails its task on the first firing alert of {@code host} this JVM sees; after the restore it lets everything by. */
    private record FailsAtFirstFiring(String host) implements Sink<Alert> {

        @Override
        public SinkWriter<Alert> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Alert alert, Context context) {
                    if (alert.host().equals(host) && alert.state() == Alert.State.FIRING && FAILURES.compareAndSet(0, 1)) {
                        throw new IllegalStateException("injected failure at the firing of " + alert.incident().id());
                    }
                }

                @Override
                public void flush(boolean endOfInput) {
                    // keeps nothing
                }

                @Override
                public void close() {
                    // holds nothing
                }
            };
        }
    }
}
