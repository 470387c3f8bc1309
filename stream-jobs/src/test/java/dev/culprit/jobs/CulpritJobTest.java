package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a Flink MiniCluster between a real Kafka broker and a real H2 file. */
@Tag("slow")
@ExtendWith(RealKafka.class)
class CulpritJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dataDir;

    /** A sample after the stall, as a newer collector would send it: with a field this build does not know. */
    private static final CpuSample LATER = new CpuSample("web1", "proc", T0 + 70_000, 1, 1000, 5, 0, 5, 1, 0, 60, null, null, null);
    private static final String FROM_A_NEWER_COLLECTOR =
            EventCodec.encodeToString(LATER).replaceFirst("\\}$", ",\"addedByANewerCollector\":1}");

    @Test
    void aStallFiresAndResolvesOnceEvenOutOfOrderAndGarbageIsDeadLettered(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        // 20 s at 35 % iowait, then 45 s quiet; shuffled within each 3-second stretch (inside the 2 s bound is not
        // guaranteed, so some arrive late: they must still count, not vanish)
        List<CpuSample> samples = new ArrayList<>();
        for (int s = 0; s < 65; s++) {
            samples.add(new CpuSample("web1", "proc", T0 + s * 1000L, 1, 1000, 5, 0, 5, s < 20 ? 35 : 1, 0, 60, null, null, null));
        }
        Random random = new Random(7);
        for (int from = 0; from < samples.size(); from += 3) {
            Collections.shuffle(samples.subList(from, Math.min(from + 3, samples.size())), random);
        }
        int garbagePartition;
        try (var producer = new KafkaProducer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            garbagePartition = producer.send(new ProducerRecord<>(Topics.CPU, "web1".getBytes(StandardCharsets.UTF_8),
                    "{\"host\":\"web1\",\"iowaitPct\":\"lots\"}".getBytes(StandardCharsets.UTF_8))).get().partition();
            for (CpuSample s : samples) {
                producer.send(new ProducerRecord<>(Topics.CPU, null, s.ts(), s.host().getBytes(StandardCharsets.UTF_8),
                        EventCodec.encode(s)));
            }
            producer.send(new ProducerRecord<>(Topics.CPU, null, LATER.ts(), "web1".getBytes(StandardCharsets.UTF_8),
                    FROM_A_NEWER_COLLECTOR.getBytes(StandardCharsets.UTF_8)));
        }

        Database db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1_000); // alerts are committed to Kafka with each checkpoint
        new CulpritJob(KafkaEndpoints.source(kafka.access(), "job-test"),
                List.of(KafkaEndpoints.alertSink(kafka.access(), "job-test"), new IncidentStoreSink(db.access())),
                KafkaEndpoints.deadLetterSink(kafka.access()),
                RuleSet.DEFAULT, null, new RawEventSink(db.access(), Duration.ofDays(3650))).build(env);
        JobClient job = env.executeAsync("culprit-job-test");
        try {
            List<Alert> alerts = read(kafka, Topics.ALERTS, Alert.class, 2);
            List<DeadLetter> deadLetters = read(kafka, Topics.DEADLETTER, DeadLetter.class, 1);

            assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(alerts.get(0).incident().start()).isEqualTo(T0);
            assertThat(alerts.get(0).ts()).isEqualTo(T0 + 10_000);
            assertThat(alerts.get(1).incident().end()).isEqualTo(T0 + 20_000);
            assertThat(deadLetters.get(0).file()).isEqualTo("culprit.cpu-" + garbagePartition);
            assertThat(deadLetters.get(0).reason()).contains("iowaitPct");
            try (Connection c = db.connect();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MAX(end_ts) FROM incidents")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getLong(2)).isEqualTo(T0 + 20_000);
            }
            // every valid event is kept once, as the bytes it came in (a newer collector's field included); garbage is not
            assertThat(awaitRawEvents(db, samples.size() + 1)).isEqualTo(samples.size() + 1);
            try (Connection c = db.connect();
                 ResultSet rs = c.createStatement().executeQuery("SELECT payload FROM raw_events WHERE ts = " + LATER.ts())) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(FROM_A_NEWER_COLLECTOR);
            }
        } finally {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's own failure, which says more than ours
            }
            job.cancel().get();
        }
    }

    /** Rows in raw_events once {@code expected} arrived or 30 s passed (the sink writes at least every second). */
    private static int awaitRawEvents(Database db, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        int rows;
        do {
            try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM raw_events")) {
                rs.next();
                rows = rs.getInt(1);
            }
            Thread.sleep(rows >= expected ? 2_000 : 200); // once there, a moment more: a duplicate would show now
        } while (rows < expected && System.currentTimeMillis() < deadline);
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM raw_events")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static <T extends dev.culprit.events.Event> List<T> read(KafkaCluster kafka, String topic, Class<T> type, int atLeast) {
        List<T> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(EventCodec.decode(r.value(), type)));
                if (out.size() >= atLeast) {
                    // a moment more: a duplicate or an extra alert would show up now
                    consumer.poll(Duration.ofSeconds(2)).forEach(r -> out.add(EventCodec.decode(r.value(), type)));
                    break;
                }
            }
        }
        return out;
    }
}
