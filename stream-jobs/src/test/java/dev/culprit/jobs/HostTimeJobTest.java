package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

    /**
     * Publishes while the job runs, as collectors do: a second of the hosts' time every
     * {@value #PACE_MS} ms, after the job's sources have settled (its empty partitions count as
     * idle and no longer hold the watermark back).
     */
    private static void publish(KafkaCluster kafka, List<CpuSample> samples, String host) {
        try (var producer = new KafkaProducer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            Thread.sleep(2 * CulpritJob.IDLENESS.toMillis());
            for (CpuSample s : samples) {
                producer.send(new ProducerRecord<>(Topics.CPU, PARTITION.get(s.host()), s.ts(), s.host().getBytes(StandardCharsets.UTF_8),
                        EventCodec.encode(s)));
                if (s.host().equals(host)) {
                    producer.flush();
                    Thread.sleep(PACE_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final long PACE_MS = 100;

    /** Runs the job until the host's incident is resolved in H2; its alerts as the history keeps them, host left out. */
    private static List<String> runUntilResolved(KafkaCluster kafka, Database db, List<CpuSample> samples, String host, String group)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new CulpritJob(KafkaEndpoints.source(kafka.access(), group), List.of(new IncidentStoreSink(db.access())),
                KafkaEndpoints.deadLetterSink(kafka.access()), RuleSet.DEFAULT, null, null).build(env);
        JobClient job = env.executeAsync(group);
        Thread publisher = new Thread(() -> publish(kafka, samples, host), "publisher");
        publisher.start();
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            List<String> alerts = alerts(db, host);
            while (alerts.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                alerts = alerts(db, host);
            }
            // the host's alert is not held back until the others' streams pause or catch up
            assertThat(alerts).as("fired while the hosts were still sending").isNotEmpty();
            assertThat(publisher.isAlive()).as("fired while the hosts were still sending").isTrue();
            while (alerts.stream().noneMatch(a -> a.startsWith("resolved ")) && System.currentTimeMillis() < deadline) {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
                Thread.sleep(200);
                alerts = alerts(db, host);
            }
            publisher.join();
            Thread.sleep(2_000); // a flapping incident's second life would show now
            return alerts(db, host);
        } finally {
            job.cancel().get();
        }
    }

    private static List<String> alerts(Database db, String host) throws Exception {
        List<String> alerts = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(
                "SELECT a.state, a.ts, a.severity, i.start_ts, i.end_ts, i.resolution FROM alerts a "
                        + "JOIN incidents i ON i.id = a.incident_id WHERE i.host = ? ORDER BY a.ts, a.state")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    alerts.add(rs.getString(1).toLowerCase() + " at " + rs.getLong(2) + " " + rs.getString(3) + " from "
                            + rs.getLong(4) + " to " + rs.getObject(5) + " (" + rs.getString(6) + ")");
                }
            }
        }
        return alerts;
    }
}
