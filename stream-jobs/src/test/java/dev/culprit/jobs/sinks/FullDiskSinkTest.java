package dev.culprit.jobs.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.RawEventStore;
import dev.culprit.testkit.SmallFileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk under the history fills while the sink writes (a real tmpfs, mounted by the test as
 * root): the job waits, and once there is room every event is stored once. Without restarts, so an
 * exception that escaped the sink would fail the job for good.
 */
@Tag("slow")
class FullDiskSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();

    @TempDir
    Path mountPoint;

    @Test
    void aFullDiskIsWaitedOutAndEveryEventIsStoredOnceThereIsRoomAgain() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(mountPoint, 24)) {
            Assumptions.assumeTrue(disk != null, "cannot mount a tmpfs here; RawEventSinkTest's refused writes still cover the retry");
            DatabaseAccess url = DataDirectory.prepare(disk.root().resolve("data"), notice -> { }).database("culprit").access();
            // more than fits in what the new database file has spare: it must grow on a full disk
            List<Event> events = new ArrayList<>();
            for (int s = 0; s < 400; s++) {
                for (int h = 0; h < 50; h++) {
                    events.add(new CpuSample("web" + h, "proc", T0 + s * 1000L, 1, 1000, 5, 0, 5, h % 40, 0, 60, null, null, null));
                }
            }
            disk.fill();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            env.fromData(JsonTypeInfo.of(EncodedEvent.class), events.stream().map(EncodedEvent::of).toArray(EncodedEvent[]::new))
                    .keyBy(EncodedEvent::host, Types.STRING)
                    .sinkTo(new RawEventSink(url, RawEventSink.DEFAULT_RETENTION));
            JobClient job = env.executeAsync("raw-event-sink-disk-full-test");
            Thread.sleep(5_000);
            assertThat(job.getJobStatus().get()).as(() -> "waiting, not ended, while the disk is full: " + outcome(job))
                    .isEqualTo(JobStatus.RUNNING);
            disk.free();

            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

            assertThat(new RawEventStore(Database.at(url)).read(T0, T0 + 400_000, null))
                    .hasSize(events.size()).containsExactlyInAnyOrderElementsOf(events);
        }
    }

    /** How the job ended, with the failure's cause: what a failed run of this test must tell. */
    private static String outcome(JobClient job) {
        try {
            return "finished with " + job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            return trace.toString();
        }
    }
}
