package dev.culprit.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @TempDir
    Path dir;

    @Test
    void recordsSurviveARestartOnTheSameDirectory() throws Exception {
        int port;
        String password = RandomSecret.generate();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, password)) {
            port = kafka.port();
            kafka.createTopics(List.of("culprit.test"));
            Map<String, Object> config = kafka.access().clientConfig();
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            try (var producer = new KafkaProducer<String, String>(config)) {
                producer.send(new ProducerRecord<>("culprit.test", "web1", "before restart")).get();
            }
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, port, password)) {
            assertThat(readAll(kafka.access(), "culprit.test")).containsExactly("before restart");
        }
    }

    @Test
    void theCollectorsResumeOffsetsAreKeptForeverPerCollector() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, RandomSecret.generate())) {
            kafka.createTopics(Topics.ALL);
            assertThat(cleanupPolicyOf(kafka, Topics.CHECKPOINTS)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    @Test
    void aCheckpointsTopicLeftByAnOlderCulpritIsMadeCompacted() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, RandomSecret.generate());
             Admin admin = Admin.create(kafka.access().clientConfig())) {
            // as created before: the broker's default policy, records deleted after 7 days
            admin.createTopics(List.of(new NewTopic(Topics.CHECKPOINTS, 1, (short) 1))).all().get();
            kafka.createTopics(Topics.ALL);
            assertThat(cleanupPolicyOf(kafka, Topics.CHECKPOINTS)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
        }
    }

    /** The topic's {@code cleanup.policy}, once it is {@code compact} or 10 s have passed. */
    private static String cleanupPolicyOf(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(kafka.access().clientConfig())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            // a changed setting reaches the broker's metadata a moment after the controller took it
            long deadline = System.currentTimeMillis() + 10_000;
            String value = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            while (!value.equals(TopicConfig.CLEANUP_POLICY_COMPACT) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                value = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            }
            return value;
        }
    }

    private static List<String> readAll(KafkaAccess access, String topic) {
        List<String> values = new ArrayList<>();
        Map<String, Object> config = access.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (var consumer = new KafkaConsumer<String, String>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
