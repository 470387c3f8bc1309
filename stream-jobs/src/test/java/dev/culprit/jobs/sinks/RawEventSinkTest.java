package dev.culprit.jobs.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.RawEventStore;
import dev.culprit.testkit.SmallFileSystem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sink on a Flink MiniCluster, writing to a real H2 file. */
@Tag("slow")
class RawEventSinkTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** Recent enough that a week's retention keeps it. */
    private static final long T0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();

    @TempDir
    Path dataDir;

    /** Two web servers sampled every second for two minutes, one of them sending contact-form mail. */
    private static List<Event> twoHostsForTwoMinutes() {
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            long ts = T0 + s * 1000L;
            events.add(new CpuSample("web1", "proc", ts, 1, 1000, 5, 0, 5, s % 40, 0, 60, null, null, null));
            events.add(new CpuSample("web2", "proc", ts, 1, 1000, 5, 0, 5, 1, 0, 80, null, null, null));
            if (s % 2 == 0) {
                // the same mail twice in one second: two calls, not one redelivered
                PhpMail mail = new PhpMail("web1", "phpmail", ts, 1, "/var/www/shop/contact.php", 42,
                        PhpMail.Origin.FILE, List.of("owner@shop.example"), "Contact form", null, null);
                events.add(mail);
                events.add(mail);
            }
        }
        return events;
    }

    private static void run(List<Event> events, RawEventSink sink) throws Exception {
        started(events, sink, "raw-event-sink-test").getJobExecutionResult().get();
    }

    @Test
    void everyEventIsStoredExactlyOnceEvenWhenTheWholeStreamIsDeliveredAgain() throws Exception {
        DatabaseAccess url = DataDirectory.prepare(dataDir, notice -> { }).database("culprit").access();
        List<Event> events = twoHostsForTwoMinutes();

        run(events, new RawEventSink(url, RawEventSink.DEFAULT_RETENTION));
        run(events, new RawEventSink(url, RawEventSink.DEFAULT_RETENTION));

        RawEventStore store = new RawEventStore(Database.at(url));
        assertThat(events).hasSize(360);
        assertThat(store.read(T0, T0 + 120_000, null)).hasSize(360).containsExactlyInAnyOrderElementsOf(events);
        assertThat(store.read(T0, T0 + 120_000, "web1"))
                .containsExactlyElementsOf(events.stream().filter(e -> e.host().equals("web1")).toList());
    }

    @Test
    void writesTheDatabaseRefusesForAWhileAreRetriedInPlaceAndEveryEventIsStoredOnce() throws Exception {
        DatabaseAccess url = DataDirectory.prepare(dataDir, notice -> { }).database("culprit").access();
        List<Event> events = twoHostsForTwoMinutes();
        // An operator's mistake, or another program, takes the pipeline's right to write away for three seconds.
        try (Connection admin = admin(url); Statement st = admin.createStatement()) {
            st.execute("REVOKE INSERT, UPDATE ON SCHEMA PUBLIC FROM " + url.login().user());
        }
        JobClient job = started(events, new RawEventSink(url, RawEventSink.DEFAULT_RETENTION), "raw-event-sink-refused-test");
        Thread.sleep(3_000);
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        try (Connection admin = admin(url); Statement st = admin.createStatement()) {
            st.execute("GRANT INSERT, UPDATE ON SCHEMA PUBLIC TO " + url.login().user());
        }

        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);

        assertThat(new RawEventStore(Database.at(url)).read(T0, T0 + 120_000, null))
                .hasSize(360).containsExactlyInAnyOrderElementsOf(events);
    }

    /**
     * The disk under the history fills while the sink writes (a real tmpfs, mounted by the test as
     * root): the job waits, and once there is room every event is stored once. The job has no
     * restarts, so an exception that escaped the sink would fail it for good.
     */
    @Test
    void aFullDiskIsWaitedOutAndEveryEventIsStoredOnceThereIsRoomAgain(@TempDir Path mountPoint) throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(mountPoint, 24)) {
            Assumptions.assumeTrue(disk != null, "cannot mount a tmpfs here; the refused writes above still cover the retry");
            DatabaseAccess url = DataDirectory.prepare(disk.root().resolve("data"), notice -> { }).database("culprit").access();
            // more than fits in what the new database file has spare: it must grow on a full disk
            List<Event> events = new ArrayList<>();
            for (int s = 0; s < 400; s++) {
                for (int h = 0; h < 50; h++) {
                    events.add(new CpuSample("web" + h, "proc", T0 + s * 1000L, 1, 1000, 5, 0, 5, h % 40, 0, 60, null, null, null));
                }
            }
            disk.fill();
            JobClient job = started(events, new RawEventSink(url, RawEventSink.DEFAULT_RETENTION), "raw-event-sink-disk-full-test");
            Thread.sleep(5_000);
            assertThat(job.getJobStatus().get()).as(() -> "waiting, not ended, while the disk is full: " + outcome(job))
                    .isEqualTo(JobStatus.RUNNING);
            disk.free();

            job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

            assertThat(new RawEventStore(Database.at(url)).read(T0, T0 + 400_000, null))
                    .hasSize(events.size()).containsExactlyInAnyOrderElementsOf(events);
        }
    }

    /**
     * The sink's job on the events, started and not waited for; keyed by host as Kafka partitions
     * them, so each host's events reach one writer.
     */
    private static JobClient started(List<Event> events, RawEventSink sink, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(JsonTypeInfo.of(EncodedEvent.class), events.stream().map(EncodedEvent::of).toArray(EncodedEvent[]::new))
                .keyBy(EncodedEvent::host, Types.STRING)
                .sinkTo(sink);
        return env.executeAsync(name);
    }

    /** How the job ended, with the failure's cause: what a failed run of the full-disk case must tell. */
    private static String outcome(JobClient job) {
        try {
            return "finished with " + job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return trace.toString();
        }
    }

    /** The data directory's admin login, from its logins file (the sink never has it). */
    private Connection admin(DatabaseAccess pipeline) throws Exception {
        Properties logins = new Properties();
        try (var in = Files.newInputStream(dataDir.resolve(DataDirectory.SECRETS).resolve(DataDirectory.DATABASE_LOGINS))) {
            logins.load(in);
        }
        return DriverManager.getConnection(pipeline.url(), logins.getProperty("admin.user"), logins.getProperty("admin.password"));
    }

    @Test
    void eventsOlderThanTheRetentionAreGoneOnceTheSinkStarts() throws Exception {
        DatabaseAccess url = DataDirectory.prepare(dataDir, notice -> { }).database("culprit").access();
        RawEventStore store = new RawEventStore(Database.at(url));
        long eightDaysAgo = System.currentTimeMillis() - Duration.ofDays(8).toMillis();
        store.save(List.of(new CpuSample("web1", "proc", eightDaysAgo, 1, 1000, 5, 0, 5, 35, 0, 60, null, null, null)));

        run(twoHostsForTwoMinutes(), new RawEventSink(url, RawEventSink.DEFAULT_RETENTION));

        assertThat(store.read(0, T0, null)).isEmpty();
        assertThat(store.read(T0, T0 + 120_000, null)).hasSize(360);
    }

    @Test
    void aQuietStreamReachesTheDatabaseWithinAboutASecond() throws Exception {
        DatabaseAccess url = DataDirectory.prepare(dataDir, notice -> { }).database("culprit").access();
        List<Event> events = twoHostsForTwoMinutes().subList(0, 10);
        List<Event> withLast = new ArrayList<>(events);
        withLast.add(new CpuSample("web1", "proc", T0 + 600_000, 1, 1000, 5, 0, 5, 1, 0, 60, null, null, null));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(JsonTypeInfo.of(Event.class), withLast.toArray(Event[]::new))
                .map(new HoldLastUntilStored(url, events.size()), JsonTypeInfo.of(Event.class))
                .map(EncodedEvent::of, JsonTypeInfo.of(EncodedEvent.class))
                // its own task: the held-up map must not hold up the sink's timer
                .sinkTo(new RawEventSink(url, RawEventSink.DEFAULT_RETENTION, 10_000)).disableChaining();
        env.execute("raw-event-sink-quiet-test");

        assertThat(new RawEventStore(Database.at(url)).read(T0, T0 + 120_000, null)).containsExactlyElementsOf(events);
    }

    /**
     * Passes events on; before the last one, waits for the ones before it to be in the database, which
     * only the sink's timer can do (its batch is far from full and the input has not ended).
     */
    private static final class HoldLastUntilStored implements MapFunction<Event, Event> {
        private final DatabaseAccess url;
        private final int before;
        private int seen;

        HoldLastUntilStored(DatabaseAccess url, int before) {
            this.url = url;
            this.before = before;
        }

        @Override
        public Event map(Event event) throws Exception {
            if (++seen > before) {
                RawEventStore store = new RawEventStore(Database.at(url));
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (store.read(0, Long.MAX_VALUE, null).size() < before) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError(before + " events were still not in " + url + " 3 s after they were sent");
                    }
                    Thread.sleep(50);
                }
            }
            return event;
        }
    }
}
