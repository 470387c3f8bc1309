package dev.culprit.collectors.spool;

import dev.culprit.events.access.KafkaAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What a {@code read_committed} reader of a topic sees, the way the job reads it; and records put there by hand. */
final class Shipped {

    private Shipped() {}

    /** Every committed record of {@code topic}, read until nothing new comes for {@code quiet}. */
    static List<ConsumerRecord<String, String>> readCommitted(KafkaAccess access, String topic, Duration quiet) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(access.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < quiet.toMillis()) {
                var polled = consumer.poll(Duration.ofMillis(300));
                polled.forEach(records::add);
                if (!polled.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        return records;
    }

    /** Writes one plain (non-transactional) record, as a stale or foreign writer would have. */
    static void put(KafkaAccess access, String topic, String key, String value) {
        try (var producer = new KafkaProducer<String, String>(access.clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class)))) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }
}
