package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Bad input exits 2 with one line per mistake, {@code culprit <command>: ...}, naming the file or
 * option and what was expected; a runtime failure exits 1 with one line. Never the whole usage,
 * never a parser's internals.
 */
class UsageMistakesTest {

    private static final Path SHIPPED_ARCHIVE = Path.of("src/main/resources/scenarios/mail.jsonl.gz");
    private static final String EXPECTED_ARCHIVE =
            "expected a Culprit capture archive (gzip'd JSON lines from `culprit capture` or `culprit collect --out`)";
    private static final Path MAIL_LOG = Path.of("../collectors/src/test/resources/captured/phpmail/file-mail-log.txt");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int culprit(String... args) {
        return culprit(Culprit.commandLine(), args);
    }

    private int culprit(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** What the command said, less the one line saying which rules or config it took. */
    private List<String> mistakes() {
        return err.toString().lines()
                .filter(line -> !line.startsWith("culprit: rules: ") && !line.startsWith("culprit: collector config: "))
                .toList();
    }

    private int replay(Path archive) {
        return culprit("replay", archive.toString(), "--no-store", "--data-dir", dir.resolve("data").toString());
    }

    @Test
    void anEmptyArchiveIsNamedAndSaidToBeEmpty() throws IOException {
        Path archive = Files.createFile(dir.resolve("empty.culprit.gz"));

        assertThat(replay(archive)).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + archive + ": empty; " + EXPECTED_ARCHIVE);
    }

    @Test
    void aFileThatIsNotGzipIsNamedAndSaysWhatWasExpected() throws IOException {
        Path archive = Files.copy(MAIL_LOG, dir.resolve("mail.log.culprit.gz"));

        assertThat(replay(archive)).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + archive + ": not gzip-compressed; " + EXPECTED_ARCHIVE);
    }

    @Test
    void aTruncatedArchiveSaysItWasCutShortAfterWhichLine() throws IOException {
        byte[] whole = Files.readAllBytes(SHIPPED_ARCHIVE);
        Path archive = dir.resolve("half.culprit.gz");
        Files.write(archive, Arrays.copyOf(whole, whole.length / 2));

        assertThat(replay(archive)).isEqualTo(2);
        assertThat(mistakes()).singleElement().asString()
                .startsWith("culprit replay: " + archive + ": cut short after line ")
                .endsWith(" (its gzip data ends early: was the file copied whole?)");
    }

    @Test
    void aDirectoryIsNotAnArchive() {
        assertThat(replay(dir)).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + dir + ": is a directory; " + EXPECTED_ARCHIVE);
    }

    @Test
    void aMissingArchiveIsNamed() {
        assertThat(replay(dir.resolve("absent.culprit.gz"))).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + dir.resolve("absent.culprit.gz") + ": no such file");
    }

    @Test
    void aBadEventLineIsNamedByFileAndLineInTheEventsOwnWords() throws IOException {
        Path archive = gzip("bad.culprit.gz", "{\"format\":\"culprit-archive\",\"version\":1}\n"
                + "{\"topic\":\"culprit.cpu\",\"event\":{\"v\":1}}\n");

        assertThat(replay(archive)).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + archive + ":2: CpuSample: missing field 'host'");
    }

    @Test
    void aGzipFileWithoutTheArchiveHeaderIsNotAnArchive() throws IOException {
        Path archive = gzip("notes.gz", "just some notes\n");

        assertThat(replay(archive)).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit replay: " + archive + ":1: no culprit-archive header; " + EXPECTED_ARCHIVE);
    }

    @Test
    void collectOnceIntoAnArchiveThatIsADirectoryNamesIt() throws IOException {
        Path outDir = Files.createDirectories(dir.resolve("out"));

        int exit = culprit("collect", "--once", "--out", outDir.toString(), MAIL_LOG.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit collect: " + outDir + ": is a directory; expected the name of an archive file to write");
    }

    @Test
    void collectOnceOnADirectoryWithNothingItReadsNamesTheDirectory() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("copied-logs"));

        int exit = culprit("collect", "--once", "--out", dir.resolve("x.gz").toString(), empty.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit collect --once: nothing to read in " + empty
                + ": no log, /proc capture, saved status page or DOSLogDir copy there");
    }

    @Test
    void collectWithAConfigThatIsADirectoryNamesIt() {
        int exit = culprit("collect", "--once", "--config", dir.toString(), "--out", dir.resolve("x.gz").toString(),
                MAIL_LOG.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit collect: " + dir
                + ": is a directory; expected a collector config file (YAML, see collectors/collector.example.yaml)");
    }

    @Test
    void aWebhookTokenFileWithoutAWebhookIsAUsageMistake() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");

        int exit = culprit("demo", "--webhook-token-file", token.toString(), "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(mistakes()).containsExactly("culprit demo: --webhook-token-file needs --webhook (or $CULPRIT_WEBHOOK_URL)");
    }

    @Test
    void aWebhookTokenFileOthersCanReadIsRefusedBeforeAnythingStarts() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        int exit = culprit("demo", "--webhook", "http://127.0.0.1:9/hook", "--webhook-token-file", token.toString(),
                "--data-dir", dir.resolve("data").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(String.join("\n", mistakes())).contains(token.toString(), "chmod 600").doesNotContain("s3cret");
        assertThat(dir.resolve("data").resolve("kafka")).doesNotExist();
    }

    @Test
    void aCollectorConfigWithTwoUnknownKeysReportsBothEachWithItsLine() throws IOException {
        Path config = dir.resolve("collector.yaml");
        Files.writeString(config, "host: web1\nhots: web2\nsources:\n  proc:\n    intervall: 2s\n");

        int exit = culprit("collect", "--config", config.toString(), "--out", dir.resolve("x.gz").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(mistakes()).containsExactly(
                "culprit collect: " + config + ":2: unknown key 'hots' (known here: host, kafka, sources, spool)",
                "culprit collect: " + config + ":5: unknown key 'sources.proc.intervall' (known here: enabled, "
                        + "includePartitions, includeVirtualDevices, interval, root, topProcesses)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "run", "collect", "replay", "query incidents", "capture", "console", "rules push"})
    void aDataDirectoryThatIsAFileIsRefusedAtStartForEveryCommand(String command) throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "not a directory");
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--data-dir", file.toString()));
        switch (command) {
            case "run" -> args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9"));
            case "collect" -> args.addAll(List.of("--once", "--bootstrap-servers", "127.0.0.1:9", MAIL_LOG.toString()));
            case "replay" -> args.add(SHIPPED_ARCHIVE.toString());
            case "capture" -> args.addAll(List.of("--from", "1h", "--out", dir.resolve("x.gz").toString()));
            default -> { }
        }

        int exit = culprit(args.toArray(String[]::new));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit " + command + ": --data-dir " + file
                        + ": is a file; expected a directory (Culprit's data directory, created when missing)",
                "see 'culprit " + command + " --help'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"notaurl", "ftp://alerts.example.org/hook", "http:///hook", "https://"})
    void aWebhookThatIsNotAnHttpUrlWithAHostIsRefusedAtStart(String url) {
        for (String command : List.of("demo", "run")) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);

            List<String> args = new java.util.ArrayList<>(List.of(command, "--webhook", url, "--data-dir", dir.resolve("data").toString()));
            if (command.equals("run")) {
                args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9"));
            }

            int exit = culprit(args.toArray(String[]::new));

            assertThat(exit).as(command).isEqualTo(2);
            assertThat(err.toString().lines()).as(command).hasSize(2);
            assertThat(err.toString().lines().findFirst().orElseThrow())
                    .startsWith("culprit " + command + ": Invalid value for option '--webhook': '" + url + "': ")
                    .endsWith("; expected an http:// or https:// URL with a host, e.g. https://alerts.example.org/hook");
            assertThat(dir.resolve("data")).doesNotExist();
        }
    }

    @Test
    void anUnknownOptionIsOneLineAndWhereTheUsageIsNotTheUsage() {
        int exit = culprit("query", "incidents", "--bogus");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit query incidents: Unknown option: '--bogus'", "see 'culprit query incidents --help'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aMistakeInsideACommandIsOneLineToo() {
        int exit = culprit("query", "incidents", "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit query incidents: no Culprit database in " + dir.toAbsolutePath()
                        + " (looked for culprit.mv.db): give the --data-dir `culprit demo` used, or --db",
                "see 'culprit query incidents --help'");
    }

    @Test
    void anUnknownCommandSuggestsTheNearestOne() {
        int exit = culprit("captur");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit: Unmatched argument at index 0: 'captur'", "Did you mean: culprit capture?", "see 'culprit --help'");
    }

    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {
        private final RuntimeException failure;

        Failing(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() {
            throw failure;
        }
    }

    @Test
    void aRuntimeFailureIsOneEscapedLineWithExitOneAndNoStackTrace() {
        CommandLine cli = Culprit.commandLine();
        cli.addSubcommand(new Failing(new IllegalStateException("broker on \u001b[31mfire",
                new java.io.IOException("disk full"))));

        int exit = culprit(cli, "failing");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("culprit failing: broker on \\x1b[31mfire");
    }

    @Test
    void aFailureWithoutAMessageSaysWhatKindItWasAndHowToSeeWhere() {
        CommandLine cli = Culprit.commandLine();
        cli.addSubcommand(new Failing(new NullPointerException()));

        int exit = culprit(cli, "failing");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly(
                "culprit failing: failed: NullPointerException (CULPRIT_JAVA_OPTS=-Dculprit.debug=true shows where)");
    }

    private Path gzip(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}
