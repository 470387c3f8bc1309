package dev.culprit.collectors.publish;

import dev.culprit.collectors.EventSink;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to their topic: key = host, record timestamp = event time, idempotent
 * producer so a retry never writes a record twice.
 */
public final class KafkaEventPublisher implements EventSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong failed = new AtomicLong();

    public KafkaEventPublisher(String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    @Override
    public void publish(Event event) {
        producer.send(new ProducerRecord<>(Topics.of(event), null, event.ts(), event.host(), EventCodec.encode(event)),
                (metadata, error) -> {
                    if (error != null && failed.getAndIncrement() == 0) {
                        LOG.warn("cannot publish to Kafka (further failures are counted): {}", error.toString());
                    }
                });
    }

    public long failed() {
        return failed.get();
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
