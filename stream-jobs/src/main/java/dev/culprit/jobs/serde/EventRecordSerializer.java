package dev.culprit.jobs.serde;

import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an event to its topic with key = host and record timestamp = event time. */
public final class EventRecordSerializer<T extends Event> implements KafkaRecordSerializationSchema<T> {

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(Topics.of(event), null, event.ts(),
                event.host().getBytes(StandardCharsets.UTF_8), EventCodec.encode(event));
    }
}
