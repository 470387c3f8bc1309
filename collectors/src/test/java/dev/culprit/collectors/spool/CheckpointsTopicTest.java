package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a Kafka that Culprit did not set up, {@code culprit.checkpoints} may have been created
 * (or auto-created on the first write) with retention: the shipper says so, and how to fix it.
 */
@Tag("slow")
class CheckpointsTopicTest {

    @TempDir
    Path dir;

    @Test
    void aCheckpointsTopicThatIsNotCompactedIsSaid() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate())) {
            try (Admin admin = Admin.create(kafka.access().clientConfig())) {
                // as an operator, or the broker's auto-creation, makes them: default settings
                admin.createTopics(List.of(new NewTopic(Topics.CPU, 1, (short) 1), new NewTopic(Topics.CHECKPOINTS, 1, (short) 1))).all().get();
            }
            assertThat(shippingOneSample(kafka)).anySatisfy(line -> assertThat(line).startsWith("WARN")
                    .contains(Topics.CHECKPOINTS).contains("not compacted").contains("cleanup.policy=compact"));
        }
    }

    @Test
    void aCompactedCheckpointsTopicIsNotComplainedOf() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate())) {
            kafka.createTopics(Topics.ALL);
            assertThat(shippingOneSample(kafka)).noneSatisfy(line -> assertThat(line).contains("compacted"));
        }
    }

    /** What the shipper logs while it ships one sample. */
    private List<String> shippingOneSample(EmbeddedKafka kafka) throws Exception {
        try (CapturedLog log = new CapturedLog(KafkaShipper.class);
             Spool spool = Spool.open(dir.resolve("spool"), 1 << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), "web1").start()) {
            spool.write(List.of(new CpuSample("web1", "proc", System.currentTimeMillis(), 1, 20, 1, 0, 1, 1, 0, 97, null, null, null)), Map.of());
            assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).isTrue();
            return log.lines();
        }
    }
}
