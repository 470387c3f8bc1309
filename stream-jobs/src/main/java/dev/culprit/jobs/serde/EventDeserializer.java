package dev.culprit.jobs.serde;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Schema;
import dev.culprit.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Turns a Kafka record into the event its topic carries, keeping the bytes it came as. A record
 * that is not a valid event does not stop the job: it comes out as a {@link DeadLetter} naming
 * topic, offset and reason.
 */
public final class EventDeserializer implements KafkaRecordDeserializationSchema<ReceivedEvent> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ReceivedEvent> out) {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Event event;
        try {
            event = EventCodec.decode(value, Topics.typeOf(record.topic()));
        } catch (EventFormatException | IllegalArgumentException e) {
            String host = record.key() == null ? "unknown" : new String(record.key(), StandardCharsets.UTF_8);
            event = new DeadLetter(host, "stream-jobs", record.timestamp(), Schema.VERSION,
                    record.topic() + "-" + record.partition(), record.offset(), e.getMessage(),
                    new String(value, StandardCharsets.UTF_8));
        }
        Long kafkaTs = record.timestampType() == TimestampType.LOG_APPEND_TIME ? record.timestamp() : null;
        out.collect(new ReceivedEvent(event, new EncodedEvent(record.topic(), event.host(), event.ts(), value), kafkaTs));
    }

    @Override
    public TypeInformation<ReceivedEvent> getProducedType() {
        return JsonTypeInfo.of(ReceivedEvent.class);
    }
}
