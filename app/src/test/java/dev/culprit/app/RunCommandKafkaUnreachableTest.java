package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code culprit run} against a Kafka that is not there fails within seconds, naming the address. */
class RunCommandKafkaUnreachableTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableKafkaFailsAtOnceNamingItsAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        StringWriter err = new StringWriter();
        long t0 = System.nanoTime();

        int exit = Culprit.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
                .execute("run", "--bootstrap-servers", "127.0.0.1:" + port, "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        // the rules line every run prints, then the reason in one line, and nothing else (no stack trace)
        assertThat(err.toString().lines()).containsExactly(
                "culprit: rules: built in (none at --rules, $CULPRIT_RULES, /etc/culprit/rules)",
                "culprit run: cannot reach Kafka at 127.0.0.1:" + port + " (no answer within 5 s): "
                        + "is it running there, and is --bootstrap-servers its client listener?");
    }
}
