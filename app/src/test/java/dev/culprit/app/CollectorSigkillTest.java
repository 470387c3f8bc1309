package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
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
                    php.write(NumberedMails.line(n));
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
                assertThat(NumberedMails.shipped(kafka.access(), "sigkill-check", LINES))
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
}
