package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.EventCodec;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code culprit collect} as its own process, SIGKILLed while PHP keeps writing mail.log, then
 * started again: every line arrives in Kafka exactly once.
 */
@Tag("slow")
class CollectorSigkillTest {

    private static final int LINES = 3_000;
    /** A real mail.log line (captured/phpmail/file-mail-log.txt) with a numbered recipient to tell lines apart. */
    private static final String LINE = "[29-Nov-2026 20:40:37 UTC] mail() on [/var/www/html/wp-content/uploads/2024/05/x.php:25]: "
            + "To: user%d@example.com -- Headers: From: Support <support@example.org>  X-Mailer: PHP/8.2.36 "
            + "-- Subject: You have (1) new voicemail%n";

    @TempDir
    Path dir;

    @Test
    void aKilledCollectorResumesWithNoLineLostOrRepeated() throws Exception {
        Path mailLog = dir.resolve("mail.log");
        Files.createFile(mailLog);
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, "host: sigkill-host\nsources:\n  proc:\n    enabled: false\n"
                + "  phpmail:\n    enabled: true\n    log: " + mailLog + "\n");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate())) {
            kafka.createTopics(Topics.ALL);
            // the login as the config's kafka.clientProperties, the address on the command line
            Path login = KafkaLoginFile.write(dir.resolve("kafka-client.properties"), kafka.access());
            Files.writeString(config, "kafka:\n  clientProperties: " + login + "\n", StandardOpenOption.APPEND);
            Process collector = startCollector(config, kafka.access().bootstrapServers());
            try (OutputStream php = Files.newOutputStream(mailLog, StandardOpenOption.APPEND)) {
                for (int n = 0; n < LINES; n++) {
                    php.write(String.format(LINE, n).getBytes(StandardCharsets.UTF_8));
                    php.flush();
                    if (n == LINES / 2) {
                        Thread.sleep(100); // mid-way through its work, maybe before its first batch
                        collector.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
                    }
                    if (n == LINES * 3 / 4) {
                        collector = startCollector(config, kafka.access().bootstrapServers());
                    }
                    if (n % 50 == 0) {
                        Thread.sleep(5);
                    }
                }
            }
            try {
                assertThat(recipientNumbers(kafka.access()))
                        .isEqualTo(java.util.stream.IntStream.range(0, LINES).boxed().toList());
            } finally {
                collector.destroy();
                collector.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private int starts;

    private Process startCollector(Path config, String bootstrap) throws Exception {
        Path output = dir.resolve("collector-" + (++starts) + ".out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                "collect", "--config", config.toString(), "--data-dir", dir.resolve("data").toString(),
                "--bootstrap-servers", bootstrap)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!(Files.exists(output) && Files.readString(output).contains("collecting as"))) {
            assertThat(p.isAlive()).as("collector is running: " + (Files.exists(output) ? Files.readString(output) : "")).isTrue();
            assertThat(System.currentTimeMillis()).as("collector came up within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        return p;
    }

    private static List<Integer> recipientNumbers(KafkaAccess kafka) {
        List<Integer> numbers = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "sigkill-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.PHPMAIL));
            long deadline = System.currentTimeMillis() + 60_000;
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline
                    && (numbers.size() < LINES || System.currentTimeMillis() - quietSince < 2_000)) {
                var records = consumer.poll(Duration.ofMillis(300));
                for (var r : records) {
                    String to = EventCodec.decode(r.value(), PhpMail.class).recipients().get(0);
                    numbers.add(Integer.parseInt(to.substring("user".length(), to.indexOf('@'))));
                }
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        return numbers.stream().sorted().toList();
    }
}
