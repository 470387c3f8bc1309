package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --kafka-properties} (and the collector's {@code kafka.clientProperties}) hold a Kafka
 * login: every command refuses one that others could read, before it connects anywhere.
 */
class KafkaPropertiesOptionTest {

    /** Nothing listens there: a command that got past the file check would fail differently. */
    private static final String NO_KAFKA = "127.0.0.1:1";

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    static Stream<String> commands() {
        return Stream.of("rules push", "run", "collect");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void aFileOthersCanReadIsRefusedWithTheChmodToRun(String command) throws Exception {
        Path login = loginFile("rw-r--r--");

        int exit = command(command, "--bootstrap-servers", NO_KAFKA, "--kafka-properties", login.toString());

        assertThat(exit).isEqualTo(Culprit.EXIT_USAGE);
        // after the one line saying which rules or collector config the command took
        assertThat(String.join("\n", err.toString().lines().dropWhile(line -> line.startsWith("culprit: ")).toList()))
                .startsWith("culprit " + command + ": Kafka client properties: secret file " + login.toAbsolutePath()
                        + " is readable or writable by others (mode rw-r--r--)")
                .contains("Run `chmod 600 " + login.toAbsolutePath() + "`");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void aMissingFileIsNamed(String command) throws Exception {
        Path login = dir.resolve("nope.properties");

        int exit = command(command, "--bootstrap-servers", NO_KAFKA, "--kafka-properties", login.toString());

        assertThat(exit).isEqualTo(Culprit.EXIT_USAGE);
        assertThat(err.toString()).contains("secret file " + login.toAbsolutePath() + " does not exist");
    }

    @Test
    void theCollectorConfigsClientPropertiesAreCheckedToo() throws Exception {
        Path login = loginFile("rw-rw----");
        Path config = Files.writeString(dir.resolve("collector.yaml"),
                "kafka:\n  bootstrapServers: " + NO_KAFKA + "\n  clientProperties: " + login + "\n"
                        + "sources:\n  proc:\n    enabled: false\n");

        int exit = culprit("collect", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isEqualTo(Culprit.EXIT_USAGE);
        assertThat(err.toString()).contains("Run `chmod 600 " + login.toAbsolutePath() + "`");
    }

    private Path loginFile(String mode) throws Exception {
        Path login = Files.writeString(dir.resolve("kafka-client.properties"),
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n");
        Files.setPosixFilePermissions(login, PosixFilePermissions.fromString(mode));
        return login;
    }

    private int command(String command, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        switch (command) {
            case "rules push" -> args.add(Files.createDirectories(dir.resolve("rules")).toString());
            case "collect" -> args.addAll(List.of("--config",
                    Files.writeString(dir.resolve("collect.yaml"), "sources:\n  proc:\n    enabled: false\n").toString()));
            default -> { }
        }
        args.addAll(List.of("--data-dir", dir.resolve("data").toString()));
        args.addAll(List.of(options));
        return culprit(args.toArray(String[]::new));
    }

    private int culprit(String... args) {
        return Culprit.commandLine()
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }
}
