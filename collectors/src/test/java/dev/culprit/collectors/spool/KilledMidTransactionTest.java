package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector killed in the middle of a transaction, on a host that never comes back, holds back
 * every later record of its partition from {@code read_committed} readers (the job) until the
 * broker aborts the transaction: that is bounded by the shipper's transaction timeout.
 */
@Tag("slow")
class KilledMidTransactionTest {

    @TempDir
    Path dir;

    @Test
    void anotherHostsEventsAreReadWithinTheTransactionTimeoutOfAKilledCollector() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate());
        kafka.createTopics(Topics.ALL);
        // the killed collector: its transaction begun, a sample sent, never committed nor aborted
        KafkaProducer<String, byte[]> killed = KafkaShipper.transactionalProducer(kafka.access(), "culprit-collector-killed/" + UUID.randomUUID());
        killed.initTransactions();
        killed.beginTransaction();
        EncodedEvent lost = EncodedEvent.of(cpu("killed"));
        int partition = killed.send(new ProducerRecord<>(lost.topic(), null, lost.ts(), lost.host(), lost.value())).get().partition();
        long killedAt = System.nanoTime();
        String neighbour = hostOnPartition(partition);

        List<CpuSample> read = new ArrayList<>();
        long readAfterMs = -1;
        try (Spool spool = Spool.open(dir.resolve("spool"), 1 << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), neighbour).start();
             var reader = new KafkaConsumer<String, String>(kafka.access().clientConfig(Map.of(
                     ConsumerConfig.GROUP_ID_CONFIG, "job",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            spool.write(List.of(cpu(neighbour)), Map.of());
            assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("the neighbour's sample committed").isTrue();
            reader.subscribe(List.of(Topics.CPU));
            long deadline = killedAt + KafkaShipper.TRANSACTION_TIMEOUT.plusSeconds(15).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                reader.poll(Duration.ofMillis(500)).forEach(r -> read.add(EventCodec.decode(r.value(), CpuSample.class)));
            }
            readAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        } finally {
            killed.close(Duration.ZERO);
            kafka.close();
        }
        assertThat(read).as("read_committed, %d ms after the collector on partition %d was killed", readAfterMs, partition)
                .extracting(CpuSample::host).containsExactly(neighbour);
    }

    /** A host whose records go to {@code partition} of a host-event topic, as the shipper keys them. */
    private static String hostOnPartition(int partition) {
        for (int i = 0; ; i++) {
            String host = "neighbour-" + i;
            if (Utils.toPositive(Utils.murmur2(host.getBytes(StandardCharsets.UTF_8))) % Topics.HOST_PARTITIONS == partition) {
                return host;
            }
        }
    }

    /** A sample of now: one of 1970 would be deleted by the broker's first retention check, 30 s after its start. */
    private static CpuSample cpu(String host) {
        return new CpuSample(host, "proc", System.currentTimeMillis(), 1, 20, 1, 0, 1, 1, 0, 97, null, null, null);
    }
}
