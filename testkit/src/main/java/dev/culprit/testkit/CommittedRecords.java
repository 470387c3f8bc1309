package dev.culprit.testkit;

import dev.culprit.events.access.KafkaAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a reader who only sees committed transactions finds on a topic: every record's value, in
 * each partition's order, read from the start until the topic has been quiet for {@code quiet}
 * (or {@code atMost} has passed).
 */
public final class CommittedRecords {

    private CommittedRecords() {}

    public static List<String> read(KafkaAccess kafka, String topic, Duration quiet, Duration atMost) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "committed-records-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + atMost.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline && System.nanoTime() - quietSince < quiet.toNanos()) {
                var records = consumer.poll(Duration.ofMillis(300));
                records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
            }
        }
        return values;
    }
}
