package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `culprit run` as its own process against a Kafka that collectors elsewhere fill; SIGTERM stops it cleanly. */
@Tag("slow")
class RunCommandTest {

    @TempDir
    Path dir;

    @Test
    void detectsFromAnExistingKafkaIntoHistoryAndStopsOnSigterm() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate())) {
            kafka.createTopics(Topics.ALL);
            List<Event> flood = DemoScenarios.endingAt(System.currentTimeMillis()).stream()
                    .filter(e -> e.host().equals("demo-mail")).toList();
            try (var producer = new KafkaProducer<String, byte[]>(kafka.access().clientConfig(Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                for (Event e : flood) {
                    producer.send(new ProducerRecord<>(Topics.of(e), null, e.ts(), e.host(), EventCodec.encode(e)));
                }
            }
            Path dataDir = dir.resolve("data");
            Path output = dir.resolve("run.out");
            Path login = KafkaLoginFile.write(dir.resolve("kafka-client.properties"), kafka.access());
            ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                    "run", "--bootstrap-servers", kafka.access().bootstrapServers(), "--kafka-properties", login.toString(),
                    "--data-dir", dataDir.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            command.environment().put("COLUMNS", "80");
            Process run = command.start();
            try {
                // while the other process opens the file, H2 may refuse a moment: ask again
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                        .until(() -> mailIncidents(dataDir) > 0);
            } finally {
                run.destroy(); // SIGTERM: the shutdown hook closes the job and the database in order
                assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(Files.readString(output)).contains("FIRING").contains("x.php").contains("stopping");
            // an alert on an 80-column terminal: one line that fits, whom it blames on an indented second
            List<String> lines = Files.readAllLines(output);
            int firing = lines.indexOf(lines.stream().filter(l -> l.contains("  FIRING  ")).findFirst().orElseThrow());
            assertThat(lines.get(firing)).hasSizeLessThanOrEqualTo(80).containsPattern("  mail    critical  [0-9a-f]{8}  demo-mail  ");
            assertThat(lines.get(firing + 1)).hasSizeLessThanOrEqualTo(80)
                    .startsWith("    culprits: script /var/www/html/wp-content/uploads/2024/05/x.php");
        }
    }

    private static long mailIncidents(Path dataDir) throws Exception {
        if (!Files.exists(dataDir.resolve("culprit.mv.db"))) {
            return 0;
        }
        try (Connection c = DataDirectory.existing(dataDir).reader("culprit").connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM incidents WHERE kind = 'mail'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
