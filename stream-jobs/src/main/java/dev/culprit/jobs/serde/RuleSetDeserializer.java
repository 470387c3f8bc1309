package dev.culprit.jobs.serde;

import dev.culprit.events.EventCodec;
import dev.culprit.rules.RuleSet;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a pushed rule set. One that does not read is refused with its reason and the rules in
 * force stay as they are; it never stops the job.
 */
public final class RuleSetDeserializer implements KafkaRecordDeserializationSchema<RuleSet> {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetDeserializer.class);
    private static final AtomicLong REFUSED = new AtomicLong();

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RuleSet> out) {
        try {
            out.collect(EventCodec.mapper().readValue(record.value(), RuleSet.class));
        } catch (IOException | IllegalArgumentException e) {
            REFUSED.incrementAndGet();
            LOG.warn("refused the rules pushed at offset {} of {} (the rules in force stay): {}",
                    record.offset(), record.topic(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<RuleSet> getProducedType() {
        return JsonTypeInfo.of(RuleSet.class);
    }
}
