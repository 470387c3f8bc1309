package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code culprit demo} as its own process, as a new user runs it: what it prints, and what it keeps. */
@Tag("slow")
class DemoCommandTest {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final List<String> REPLAYED_HOSTS = List.of("demo-iowait", "demo-dos", "demo-mail");

    @TempDir
    Path dir;

    @Test
    void theShippedIncidentsShowAsReplaysInTimeOrderAndAlertsTheWebhookRefusedAreNamedAtExit() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body.contains("\"kind\":\"dos\"") ? 400 : 200, -1); // refuses the DoS alerts
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        Demo demo;
        try {
            demo = Demo.start(dir, "--webhook", hook + "/hook");
            Demo running = demo;
            await().atMost(Duration.ofSeconds(90)).until(() -> running.out().lines().filter(l -> l.startsWith("[replay] ") && l.contains("RESOLVED")).count() == 3);
            demo.process.destroy(); // SIGTERM once the replays have shown, as an operator stops it
            assertThat(demo.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            receiver.stop(0);
        }

        String err = demo.err();
        assertThat(demo.process.exitValue()).as(err).isEqualTo(143);
        assertThat(err).contains("culprit: first, 3 incidents recorded on a Debian 12 host replay (demo-iowait, demo-dos, demo-mail), "
                        + "moved in time to have ended 25 min ago: their alerts come marked [replay], in time order")
                .contains("culprit: then this machine's own alerts show only when it is stalled; --iowait-threshold 0 makes it so");

        List<String> replayed = demo.out().lines().filter(l -> REPLAYED_HOSTS.stream().anyMatch(h -> l.contains("  " + h + "  "))).toList();
        assertThat(replayed).allMatch(l -> l.startsWith("[replay] "));
        assertThat(demo.out().lines().filter(l -> !replayed.contains(l))).noneMatch(l -> l.startsWith("[replay]"));
        assertThat(replayed).filteredOn(l -> l.contains("FIRING")).hasSize(3);
        assertThat(replayed).filteredOn(l -> l.contains("RESOLVED")).hasSize(3);
        // an alert shows its time of day when it is from today, its date too otherwise
        List<LocalDateTime> times = replayed.stream().map(l -> l.substring("[replay] ".length()).split("  ")[0])
                .map(t -> t.contains("-") ? LocalDateTime.parse(t, SHOWN) : java.time.LocalDate.now().atTime(java.time.LocalTime.parse(t)))
                .toList();
        assertThat(times).isSorted();
        assertThat(err).contains("alert(s) shown (" + replayed.size() + " replayed)");

        long dosAlerts = replayed.stream().filter(l -> l.contains("  dos  ")).count();
        // the warning at the first loss is logged (to standard error with the app's logging, to standard output with the tests')
        assertThat(demo.out() + err).contains("webhook " + hook + ": alert(s) not delivered: FIRING dos warning demo-dos (incident ");
        assertThat(err).contains("culprit: webhook " + hook + ": " + (replayed.size() - dosAlerts) + " alert(s) delivered, " + dosAlerts
                        + " not delivered: FIRING dos warning demo-dos (incident ");
        assertThat(err.lines().filter(l -> l.startsWith("culprit: webhook")).findFirst().orElseThrow())
                .contains("RESOLVED dos warning demo-dos (incident ").contains("HTTP 400 after 1 attempt(s)").doesNotContain("/hook");
    }

    @Test
    void aPushedRuleChangeIsSaidInOneLineAndLinesThatDoNotParseAreKeptForCulpritDeadletters() throws Exception {
        Path mailLog = Files.createFile(dir.resolve("mail.log"));
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, "host: web1\nsources:\n  proc:\n    enabled: false\n  phpmail:\n    enabled: true\n    log: " + mailLog + "\n");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("dos.yaml"), "kind: dos\nname: dos\nfor: 5s\nthresholds:\n  deniedPerSec: 400\n");
        Path dataDir = dir.resolve("data");

        Demo demo = Demo.start(dir, "--no-scenarios", "--config", config.toString(), "--duration", "40s");
        await().atMost(Duration.ofSeconds(60)).until(() -> demo.err().contains("culprit: up in"));
        Files.writeString(mailLog, "PHP Warning:  mail(): Could not instantiate mail function\nnot a mail line at all\n",
                StandardOpenOption.APPEND);
        long secondLine = "PHP Warning:  mail(): Could not instantiate mail function\n".length();

        int pushed = culprit(new StringWriter(), "rules", "push", rules.toString(), "--data-dir", dataDir.toString());

        assertThat(pushed).isZero();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(demo.err())
                .contains("culprit: rules updated: dos.yaml deniedPerSec 20 → 400, for 10s → 5s" + System.lineSeparator()));
        StringWriter listing = new StringWriter();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            listing.getBuffer().setLength(0);
            assertThat(culprit(listing, "deadletters", "--data-dir", dataDir.toString(), "--source", "phpmail")).isZero();
            assertThat(listing.toString().lines()).hasSize(3);
        });
        List<String> rows = listing.toString().lines().toList();
        assertThat(rows.get(1)).contains("web1", "phpmail", "mail.log:" + secondLine, "not a mail line at all");
        assertThat(rows.get(2)).contains("mail.log:0", "PHP Warning:");

        demo.process.destroy(); // SIGTERM, as an operator stops it: the same summary as at the end of --duration
        assertThat(demo.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(demo.process.exitValue()).as(demo.err()).isEqualTo(143);
        assertThat(demo.err()).contains("culprit: 2 new dead letter(s), input that did not parse (phpmail 2): "
                + "`culprit deadletters` shows them with file, offset and reason");
    }

    private static int culprit(StringWriter out, String... args) {
        return Culprit.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true)).execute(args);
    }

    /** A demo started as `./culprit demo` starts it, its standard output and error each in a file. */
    private record Demo(Process process, Path stdout, Path stderr) {
        static Demo start(Path dir, String... args) throws Exception {
            Path out = dir.resolve("demo.out");
            Path err = dir.resolve("demo.err");
            List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                    "demo", "--data-dir", dir.resolve("data").toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            return new Demo(p, out, err);
        }

        String out() throws Exception {
            return Files.readString(stdout);
        }

        String err() throws Exception {
            return Files.readString(stderr);
        }
    }
}
