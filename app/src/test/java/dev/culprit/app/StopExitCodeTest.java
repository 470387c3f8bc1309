package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Event;
import dev.culprit.storage.EventArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a long-running command ends, as its own process: Ctrl-C (SIGINT) exits 130 and SIGTERM 143,
 * as shells and service managers expect of a program stopped by a signal, each after the same
 * orderly stop (counters printed, the archive closed whole); --duration running out exits 0.
 */
@Tag("slow")
class StopExitCodeTest {

    private static final Path MAIL_LOG = Path.of("../collectors/src/test/resources/captured/phpmail/file-mail-log.txt");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void aSignalStopsInOrderAndExitsWithTheShellsCodeForIt(String signal, int exitCode) throws Exception {
        Path archive = dir.resolve("live.culprit.gz");
        Path output = dir.resolve("collect.out");
        Process collect = start(output, "collect", "--config", config().toString(), "--out", archive.toString());
        awaitLine(collect, output, "culprit: collecting as 'stop-test'");
        Files.writeString(log(), Files.readString(MAIL_LOG), java.nio.file.StandardOpenOption.APPEND);
        Thread.sleep(3_000); // the tailer's next polls read what PHP wrote

        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(collect.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();

        assertThat(collect.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        assertThat(collect.exitValue()).isEqualTo(exitCode);
        // the orderly stop's counters, and every event they count in an archive closed whole (a cut-short one would not read)
        String counters = Files.readAllLines(output).stream()
                .filter(line -> line.startsWith("culprit: phpmail-log: ")).findFirst().orElseThrow();
        List<Event> written = EventArchive.read(archive);
        assertThat(counters).isEqualTo("culprit: phpmail-log: " + written.size() + " read, " + written.size()
                + " event(s), 0 unparseable, 0 dropped");
        assertThat(written).as("what PHP wrote while it ran (the tailer polls every second)").isNotEmpty();
    }

    @Test
    void aDurationThatRunsOutExitsZero() throws Exception {
        Path output = dir.resolve("collect.out");
        Process collect = start(output, "collect", "--config", config().toString(),
                "--out", dir.resolve("timed.culprit.gz").toString(), "--duration", "1s");

        assertThat(collect.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
        assertThat(collect.exitValue()).as(Files.readString(output)).isZero();
        assertThat(Files.readAllLines(output)).contains("culprit: phpmail-log: 0 read, 0 event(s), 0 unparseable, 0 dropped");
    }

    private Path log() {
        return dir.resolve("mail.log");
    }

    private Path config() throws Exception {
        if (!Files.exists(log())) {
            Files.createFile(log());
        }
        return Files.writeString(dir.resolve("collector.yaml"), "host: stop-test\nsources:\n  proc:\n    enabled: false\n"
                + "  phpmail:\n    enabled: true\n    log: " + log() + "\n");
    }

    /**
     * The app's main in a JVM of its own. A process started in the background by a shell without
     * job control inherits SIGINT ignored, and a JVM leaves an ignored SIGINT ignored; env gives
     * the child the default disposition a terminal's Ctrl-C meets.
     */
    private static Process start(Path output, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Culprit.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void awaitLine(Process p, Path output, String start) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!(Files.exists(output) && Files.readAllLines(output).stream().anyMatch(l -> l.startsWith(start)))) {
            assertThat(p.isAlive()).as("running: " + (Files.exists(output) ? Files.readString(output) : "")).isTrue();
            assertThat(System.currentTimeMillis()).as("came up within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
