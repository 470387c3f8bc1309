package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import dev.culprit.events.Topics;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert sink writes in Kafka transactions that only a completed checkpoint commits: an alert
 * a restart will send again is never visible to a committed reader, so none sees it twice.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class AlertSinkTransactionsTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @Test
    void alertsNotYetCheckpointedAreWrittenButNotCommitted(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(Duration.ofHours(1).toMillis()); // no checkpoint completes while the test looks
        env.fromSource(new DataGeneratorSource<>(AlertSinkTransactionsTest::alert, Long.MAX_VALUE,
                        RateLimiterStrategy.perSecond(5), JsonTypeInfo.of(Alert.class)),
                        WatermarkStrategy.noWatermarks(), "alerts")
                .sinkTo(KafkaEndpoints.alertSink(kafka.access(), "alert-sink-test"));
        JobClient job = env.executeAsync("alert-sink-transactions");
        try {
            assertThat(read(kafka, "read_uncommitted", Duration.ofSeconds(60))).as("written").isNotEmpty();
            assertThat(read(kafka, "read_committed", Duration.ofSeconds(10))).as("committed").isEmpty();
        } finally {
            job.cancel().get();
        }
    }

    private static Alert alert(long n) {
        Incident incident = new Incident("web1", "dos-detector", 90_000 + n, 1, "web1-dos-" + n, IncidentKind.DOS,
                Severity.CRITICAL, "dos", 1_000, null, null, "request flood on web1",
                List.of(new Culprit("client", "203.0.113.7", Map.of("denied", 412.0))), List.of());
        return new Alert("web1", "dos-detector", 90_000 + n, 1, Alert.State.FIRING, incident);
    }

    /** The alerts a reader at {@code isolation} sees within {@code patience}; stops at the first it sees. */
    private static List<Alert> read(KafkaCluster kafka, String isolation, Duration patience) {
        List<Alert> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.ALERTS));
            long deadline = System.nanoTime() + patience.toNanos();
            while (out.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(EventCodec.decode(r.value(), Alert.class)));
            }
        }
        return out;
    }
}
