package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.collectors.Collector;
import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker SIGKILLed while a collector ships PHP's mail.log, and started again on its
 * data: every line the collector took (spooled) reaches Kafka exactly once.
 */
@Tag("slow")
class BrokerSigkillTest {

    private static final int LINES = 3_000;
    @TempDir
    Path dir;

    private final String password = RandomSecret.generate();
    private int port;
    private int starts;

    @Test
    void aBrokerKilledWhileACollectorShipsLosesNoLineItTookAndRepeatsNone() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path mailLog = Files.createFile(dir.resolve("mail.log"));
        Path config = Files.writeString(dir.resolve("collector.yaml"), "host: broker-kill-host\nsources:\n  proc:\n    enabled: false\n"
                + "  phpmail:\n    enabled: true\n    log: " + mailLog + "\n");
        KafkaAccess kafka = KafkaAccess.saslPlain("127.0.0.1:" + port, EmbeddedKafka.USER, password);
        Process broker = startBroker();
        try (Collector collector = Collector.start(ConfigLoader.load(config), dir.resolve("collector"), kafka, Clock.systemUTC());
             OutputStream php = Files.newOutputStream(mailLog, StandardOpenOption.APPEND)) {
            for (int n = 0; n < LINES; n++) {
                php.write(NumberedMails.line(n));
                php.flush();
                if (n == LINES / 3) {
                    Thread.sleep(200); // while a batch is on its way
                    broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL
                }
                if (n == LINES * 2 / 3) {
                    broker = startBroker();
                }
                if (n % 50 == 0) {
                    Thread.sleep(5);
                }
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (collector.shippedRecords() < LINES && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(NumberedMails.shipped(kafka, "broker-kill-check", LINES)).isEqualTo(IntStream.range(0, LINES).boxed().toList());
        } finally {
            broker.destroy();
            broker.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private Process startBroker() throws Exception {
        Path output = dir.resolve("broker-" + (++starts) + ".out");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName(),
                dir.resolve("kafka").toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put(BrokerProcess.PASSWORD_VARIABLE, password);
        Process p = builder.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!(Files.exists(output) && Files.readString(output).contains(BrokerProcess.READY))) {
            assertThat(p.isAlive()).as("broker is running: " + (Files.exists(output) ? Files.readString(output) : "")).isTrue();
            assertThat(System.currentTimeMillis()).as("broker came up within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        return p;
    }
}
