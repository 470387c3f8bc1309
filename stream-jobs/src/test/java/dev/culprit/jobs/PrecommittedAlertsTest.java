package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Topics;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The narrow window a SIGKILL can hit, which PipelineSigkillTest cannot aim at: a checkpoint has
 * completed, so its alerts' transaction is precommitted and recorded in it, but the commit that
 * follows the checkpoint has not reached Kafka. The restarted job's committer then resumes that
 * transaction from the producer id and epoch in the checkpoint and commits it, as this does with
 * the connector's own producer, on the Kafka the pom has.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class PrecommittedAlertsTest {

    @Test
    void aTransactionAKilledRunPrecommittedIsCommittedByTheNextRun(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Properties config = producerConfig(kafka);
        String transactionalId = "precommitted-test-0-1";

        // The killed run: wrote and flushed the alert, never committed, never closed.
        var killedRun = new FlinkKafkaInternalProducer<byte[], byte[]>(config, transactionalId);
        killedRun.initTransactions();
        killedRun.beginTransaction();
        killedRun.send(new ProducerRecord<>(Topics.ALERTS, "the alert".getBytes(StandardCharsets.UTF_8))).get();
        killedRun.flush();
        long producerId = killedRun.getProducerId();
        short epoch = killedRun.getEpoch();

        try (var nextRun = new FlinkKafkaInternalProducer<byte[], byte[]>(config, transactionalId)) {
            nextRun.resumeTransaction(producerId, epoch);
            nextRun.commitTransaction();
        }

        assertThat(timesCommitted(kafka, "the alert")).isEqualTo(1);
        killedRun.close(Duration.ZERO); // this test's JVM lives on, unlike the killed run's
    }

    /**
     * The common case: the checkpoint's transaction was committed before the stop or kill, and the
     * next run commits it again. The embedded broker takes that as a no-op; on transactions protocol
     * version 2 the connector was refused ("producer is already fenced") and logged likely data loss.
     */
    @Test
    void aTransactionCommittedBeforeTheKillIsCommittedAgainQuietly(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Properties config = producerConfig(kafka);
        String transactionalId = "committed-test-0-1";
        long producerId;
        short epoch;
        try (var stoppedRun = new FlinkKafkaInternalProducer<byte[], byte[]>(config, transactionalId)) {
            stoppedRun.initTransactions();
            stoppedRun.beginTransaction();
            stoppedRun.send(new ProducerRecord<>(Topics.ALERTS, "committed once".getBytes(StandardCharsets.UTF_8))).get();
            stoppedRun.flush();
            producerId = stoppedRun.getProducerId();
            epoch = stoppedRun.getEpoch();
            stoppedRun.commitTransaction();
        }

        try (var nextRun = new FlinkKafkaInternalProducer<byte[], byte[]>(config, transactionalId)) {
            nextRun.resumeTransaction(producerId, epoch);
            nextRun.commitTransaction();
        }

        assertThat(timesCommitted(kafka, "committed once")).isEqualTo(1);
    }

    private static Properties producerConfig(KafkaCluster kafka) {
        Properties config = new Properties();
        config.putAll(kafka.access().clientConfig());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(KafkaEndpoints.ALERT_TRANSACTION_TIMEOUT.toMillis()));
        return config;
    }

    /** How often a committed reader sees {@code alert} on the topic, which the tests of this class share. */
    private static long timesCommitted(KafkaCluster kafka, String alert) {
        List<String> alerts = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + alert,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.ALERTS));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!alerts.contains(alert) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> alerts.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> alerts.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return alerts.stream().filter(alert::equals).count();
    }
}
