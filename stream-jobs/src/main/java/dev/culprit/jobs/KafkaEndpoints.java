package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.jobs.serde.EventDeserializer;
import dev.culprit.jobs.serde.EventRecordSerializer;
import dev.culprit.jobs.serde.ReceivedEvent;
import dev.culprit.jobs.serde.RuleSetDeserializer;
import dev.culprit.rules.RuleSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The production source and sinks of {@link CulpritJob}: Culprit's Kafka topics, reached with the
 * given {@link KafkaAccess} (its address and login go into every client the connector makes).
 */
public final class KafkaEndpoints {

    public static final List<String> INPUT_TOPICS =
            List.of(Topics.CPU, Topics.DISK, Topics.PROC, Topics.APACHE, Topics.ACCESS, Topics.EVASIVE, Topics.PHPMAIL);

    private KafkaEndpoints() {}

    /** All host-event topics, resuming at the group's committed offsets (the beginning on first run). */
    public static KafkaSource<ReceivedEvent> source(KafkaAccess kafka, String groupId) {
        return KafkaSource.<ReceivedEvent>builder()
                .setProperties(properties(kafka))
                .setTopics(INPUT_TOPICS)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new EventDeserializer())
                // Collectors publish in transactions: see only what they committed.
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /** Rules pushed from now on ({@code culprit rules push}); the rules given at start stay until then. */
    public static KafkaSource<RuleSet> ruleUpdates(KafkaAccess kafka, String groupId) {
        return KafkaSource.<RuleSet>builder()
                .setProperties(properties(kafka))
                .setTopics(Topics.RULES)
                .setGroupId(groupId + "-rules")
                .setStartingOffsets(OffsetsInitializer.latest())
                .setDeserializer(new RuleSetDeserializer())
                .build();
    }

    /**
     * How long the broker keeps a transaction of the alert sink open before it aborts it: long enough
     * for a checkpoint and a restart after a crash to commit what the checkpoint holds, and below the
     * broker's {@code transaction.max.timeout.ms} (15 min by default, which the embedded broker keeps)
     * or the broker refuses the producer.
     */
    public static final Duration ALERT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Alerts exactly once: written in a Kafka transaction that the checkpoint holding them commits,
     * so a reader with {@code isolation.level=read_committed} sees each alert once however the job
     * restarts, and sees it when the next checkpoint completes.
     *
     * @param transactionalIdPrefix names this pipeline's transactions: no other pipeline on the same
     *     Kafka may use it (the two would fence each other), and a restart must use it again, so that
     *     the transactions a killed run left open are aborted rather than hold readers back
     */
    public static KafkaSink<Alert> alertSink(KafkaAccess kafka, String transactionalIdPrefix) {
        return KafkaSink.<Alert>builder()
                .setKafkaProducerConfig(properties(kafka))
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(ALERT_TRANSACTION_TIMEOUT.toMillis()))
                .setRecordSerializer(new EventRecordSerializer<>())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * At least once, unlike alerts: a dead letter is kept in H2 under the digest of what it holds
     * (a dead letter written twice is one row), and a transaction would only hold it back until
     * the next checkpoint.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaAccess kafka) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(properties(kafka))
                .setRecordSerializer(new EventRecordSerializer<>())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The connector builders take client settings as Properties (bootstrap.servers among them). */
    private static Properties properties(KafkaAccess kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.clientConfig());
        return properties;
    }
}
