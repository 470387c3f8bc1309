package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.ParseResult;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Topics;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real mod_evasive and PHP logs captured on this machine kind, parsed by the real parsers,
 * through the whole job on a MiniCluster: the operator is shown the attackers and the mailer,
 * and not the legitimate client or the contact form.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
class CapturedIncidentsJobTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured");

    @TempDir
    Path dataDir;

    @Test
    void attackersAndTheBulkMailerAreNamedAndBystandersAreNot(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        List<Event> events = new ArrayList<>();
        events.addAll(parse(LogKind.EVASIVE, CAPTURED.resolve("evasive/run1-writable-apache-error.txt")));
        events.addAll(parse(LogKind.EVASIVE, CAPTURED.resolve("evasive/run1-writable-syslog-rfc3339.txt")));
        events.addAll(parse(LogKind.PHPMAIL, CAPTURED.resolve("phpmail/file-mail-log.txt")));
        events.sort(Comparator.comparingLong(Event::ts));
        publish(kafka, events);

        Database db = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(1_000); // alerts are committed to Kafka with each checkpoint
        new CulpritJob(KafkaEndpoints.source(kafka.access(), "captured-test"),
                List.of(KafkaEndpoints.alertSink(kafka.access(), "captured-test"), new IncidentStoreSink(db.access())),
                KafkaEndpoints.deadLetterSink(kafka.access()), RuleSet.DEFAULT, null, null).build(env);
        JobClient job = env.executeAsync("captured-incidents");
        try {
            List<Alert> alerts = readAlerts(kafka);

            Alert dos = first(alerts, IncidentKind.DOS);
            assertThat(names(dos, "client")).contains("127.0.0.67").doesNotContain("127.0.0.10");
            Alert mail = first(alerts, IncidentKind.MAIL);
            assertThat(names(mail, "script")).containsExactly("/var/www/html/wp-content/uploads/2024/05/x.php");
            assertThat(alerts).noneMatch(a -> names(a, "script").contains("/var/www/html/contact.php"));
            // alerts reach the linker in the order the detectors emit them, so whichever of the two comes second names the other
            assertThat(alerts).as("an alert linking the mail flood and the attack it overlapped")
                    .anyMatch(a -> a.incident().id().equals(mail.incident().id()) && a.incident().related().contains(dos.incident().id())
                            || a.incident().id().equals(dos.incident().id()) && a.incident().related().contains(mail.incident().id()));
        } finally {
            job.cancel().get();
        }
    }

    private static List<Event> parse(LogKind kind, Path file) throws Exception {
        var reader = kind.reader(ZoneOffset.UTC, Clock.systemUTC());
        List<Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (reader.parser().parse("web1", line) instanceof ParseResult.Parsed p) {
                events.add(p.event());
            }
        }
        return reader.aggregation().apply(events);
    }

    private static void publish(KafkaCluster kafka, List<Event> events) {
        try (var producer = new KafkaProducer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (Event e : events) {
                producer.send(new ProducerRecord<>(Topics.of(e), null, e.ts(), e.host().getBytes(StandardCharsets.UTF_8),
                        EventCodec.encode(e)));
            }
        }
    }

    private static List<Alert> readAlerts(KafkaCluster kafka) {
        List<Alert> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "captured-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.ALERTS));
            long deadline = System.currentTimeMillis() + 90_000;
            while (System.currentTimeMillis() < deadline
                    && !(has(out, IncidentKind.DOS) && has(out, IncidentKind.MAIL))) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(EventCodec.decode(r.value(), Alert.class)));
            }
            consumer.poll(Duration.ofSeconds(2)).forEach(r -> out.add(EventCodec.decode(r.value(), Alert.class)));
        }
        return out;
    }

    private static boolean has(List<Alert> alerts, IncidentKind kind) {
        return alerts.stream().anyMatch(a -> a.incident().kind() == kind);
    }

    private static Alert first(List<Alert> alerts, IncidentKind kind) {
        return alerts.stream().filter(a -> a.incident().kind() == kind).findFirst().orElseThrow();
    }

    private static List<String> names(Alert alert, String role) {
        return alert.incident().culprits().stream().filter(c -> c.role().equals(role)).map(Culprit::name).toList();
    }
}
