package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code culprit collect} stopping while Kafka is away says how many records wait in the spool
 * and that they ship on the next start, with no stack trace; the next start ships them.
 */
@Tag("slow")
class CollectorStopTest {

    private static final Pattern WAITING = Pattern.compile("culprit: (\\d+) record\\(s\\) wait in the spool (\\S+): "
            + "Kafka (\\S+) did not take them in time; they ship on the next start");
    private static final Pattern SHIPPED = Pattern.compile("culprit: (\\d+) record\\(s\\) shipped");

    @TempDir
    Path dir;

    @Test
    void unshippedRecordsAreCountedAtStopAndShipOnTheNextStart() throws Exception {
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, "host: stop-host\nsources:\n  proc:\n    enabled: true\n    interval: 500ms\n");
        Path dataDir = dir.resolve("data");

        Run away = collect(config, dataDir, "127.0.0.1:" + freePort(), "3s");

        assertThat(away.exit).as(away.output).isZero();
        Matcher waiting = WAITING.matcher(away.output);
        assertThat(waiting.find()).as(away.output).isTrue();
        long left = Long.parseLong(waiting.group(1));
        assertThat(left).isPositive();
        assertThat(waiting.group(2)).isEqualTo(dataDir.resolve("spool").toString());
        assertThat(away.output).contains("culprit: 0 record(s) shipped").doesNotContain("Exception").doesNotContain("\tat ");

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate())) {
            kafka.createTopics(Topics.ALL);
            Path login = KafkaLoginFile.write(dir.resolve("kafka-client.properties"), kafka.access());
            Run back = collect(config, dataDir, kafka.access().bootstrapServers(), "3s", "--kafka-properties", login.toString());

            assertThat(back.exit).as(back.output).isZero();
            Matcher shipped = SHIPPED.matcher(back.output);
            assertThat(shipped.find()).as(back.output).isTrue();
            assertThat(Long.parseLong(shipped.group(1))).as("the spooled records and this run's").isGreaterThan(left);
            assertThat(back.output).doesNotContain("wait in the spool");
        }
    }

    private record Run(int exit, String output) {}

    private Run collect(Path config, Path dataDir, String bootstrap, String duration, String... more) throws Exception {
        Path output = Files.createTempFile(dir, "collect", ".out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                "collect", "--config", config.toString(), "--data-dir", dataDir.toString(),
                "--bootstrap-servers", bootstrap, "--duration", duration));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("collect stopped within a minute").isTrue();
        return new Run(p.exitValue(), Files.readString(output));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again: nothing listens there
        }
    }
}
