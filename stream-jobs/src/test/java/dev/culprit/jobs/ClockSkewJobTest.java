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
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * A host whose clock is far from the broker's is flagged with its offset, live, through Kafka and
 * the job: an hour ahead, an hour behind; a host shipping an hour of backlog and a host whose
 * clock agrees are not.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class ClockSkewJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long HOUR = 3_600_000L;
    /** Two 15 s windows of Kafka time and a little: what a clock behind needs to be told from a backlog. */
    private static final int SECONDS = 35;

    @TempDir
    Path dataDir;

    @Test
    void hostsAnHourAheadAndBehindAreFlaggedWithTheirOffsetABacklogAndAGoodClockAreNot(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Database db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new CulpritJob(KafkaEndpoints.source(kafka.access(), "clock-skew"), List.of(new IncidentStoreSink(db.access())),
                KafkaEndpoints.deadLetterSink(kafka.access()), RuleSet.DEFAULT, null, null).build(env);
        JobClient job = env.executeAsync("clock-skew");
        try (var producer = new KafkaProducer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            long backlog = System.currentTimeMillis() - HOUR;
            for (int s = 0; s < SECONDS; s++) {
                long now = System.currentTimeMillis();
                send(producer, cpu("ahead", now + HOUR));
                send(producer, cpu("behind", now - HOUR));
                send(producer, cpu("normal", now));
                for (int b = 0; b < 30; b++) {
                    send(producer, cpu("backlog", backlog));
                    backlog += 1000;
                }
                producer.flush();
                Thread.sleep(1000 - (System.currentTimeMillis() - now) % 1000);
            }
            Map<String, String> flags = clockFlags(db);
            long deadline = System.currentTimeMillis() + 30_000;
            while (flags.size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                flags = clockFlags(db);
            }

            assertThat(flags).containsOnlyKeys("ahead", "behind");
            assertThat(flags.get("ahead")).matches("ahead's clock runs (59m 5\\ds|1h 0m 0s) ahead of Kafka's.*");
            assertThat(flags.get("behind")).matches("behind's clock runs 1h 0m \\ds behind Kafka's.*");
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).isFalse();
        } finally {
            job.cancel().get();
        }
    }

    private static CpuSample cpu(String host, long ts) {
        return new CpuSample(host, "proc", ts, 1, 1000, 5, 0, 5, 2, 0, 88, null, null, null);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, CpuSample sample) {
        producer.send(new ProducerRecord<>(Topics.CPU, sample.host().getBytes(StandardCharsets.UTF_8), EventCodec.encode(sample)));
    }

    /** The open clock flags in H2, by host: their summaries. */
    private static Map<String, String> clockFlags(Database db) throws Exception {
        Map<String, String> flags = new TreeMap<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT host, summary FROM incidents WHERE kind = 'clock' AND end_ts IS NULL")) {
            while (rs.next()) {
                flags.put(rs.getString(1), rs.getString(2));
            }
        }
        return flags;
    }
}
