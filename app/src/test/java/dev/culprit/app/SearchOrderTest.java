package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Event;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where commands find the collector config (--config, $CULPRIT_CONFIG, /etc/culprit/collector.yaml,
 * ./collector.yaml) and the rules (--rules, $CULPRIT_RULES, /etc/culprit/rules, built in), and the
 * one line each prints to say which it took. /etc/culprit and the working directory are stand-ins
 * under a temporary directory.
 */
class SearchOrderTest {

    private static final Path MAIL_LOG = Path.of("../collectors/src/test/resources/captured/phpmail/file-mail-log.txt");

    @TempDir
    Path dir;

    private Path etc;
    private Path workingDirectory;
    private final Map<String, String> environment = new HashMap<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void places() throws IOException {
        etc = Files.createDirectories(dir.resolve("etc/culprit"));
        workingDirectory = Files.createDirectories(dir.resolve("work"));
    }

    private int culprit(String... args) {
        return Culprit.commandLine(new SearchOrder(environment, etc, workingDirectory))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    private Path config(Path file, String host) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "host: " + host + "\nsources:\n  proc:\n    enabled: false\n");
    }

    /** The host that collect --once stamped on the events it read: the one the config it took names. */
    private String hostOfCollectOnce(String... options) {
        Path archive = dir.resolve("out-" + System.nanoTime() + ".culprit.gz");
        List<String> args = new java.util.ArrayList<>(List.of("collect", "--once", "--out", archive.toString()));
        args.addAll(List.of(options));
        args.add(MAIL_LOG.toString());
        assertThat(culprit(args.toArray(String[]::new))).as(err.toString()).isZero();
        return EventArchive.read(archive).stream().map(Event::host).distinct().reduce((a, b) -> a + "," + b).orElseThrow();
    }

    private List<String> configLines() {
        return err.toString().lines().filter(l -> l.startsWith("culprit: collector config: ")).toList();
    }

    @Test
    void theCollectorConfigIsTakenFromTheFirstPlaceThatHasOne() throws IOException {
        Path given = config(dir.resolve("given.yaml"), "from-option");
        Path variable = config(dir.resolve("variable.yaml"), "from-variable");
        Path system = config(etc.resolve("collector.yaml"), "from-etc");
        Path local = config(workingDirectory.resolve("collector.yaml"), "from-working-directory");
        environment.put("CULPRIT_CONFIG", variable.toString());

        assertThat(hostOfCollectOnce("--config", given.toString())).isEqualTo("from-option");
        assertThat(hostOfCollectOnce()).isEqualTo("from-variable");
        environment.remove("CULPRIT_CONFIG");
        assertThat(hostOfCollectOnce()).isEqualTo("from-etc");
        Files.delete(system);
        assertThat(hostOfCollectOnce()).isEqualTo("from-working-directory");

        assertThat(configLines()).containsExactly(
                "culprit: collector config: " + given + " (--config)",
                "culprit: collector config: " + variable + " ($CULPRIT_CONFIG)",
                "culprit: collector config: " + system,
                "culprit: collector config: " + local);
    }

    @Test
    void withoutAnyConfigTheDefaultsAreUsedAndTheLineSaysWhereItLooked() {
        assertThat(hostOfCollectOnce()).isNotBlank();

        assertThat(configLines()).containsExactly(
                "culprit: collector config: none (--config, $CULPRIT_CONFIG, " + etc + "/, ./): the defaults");
    }

    @Test
    void liveCollectWithoutAnyConfigSaysWhereItLooked() {
        int exit = culprit("collect", "--out", dir.resolve("x.gz").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("culprit collect: no collector config (looked at --config, "
                + "$CULPRIT_CONFIG, " + etc.resolve("collector.yaml") + ", ./collector.yaml): give --config FILE (or --once PATH...)");
    }

    @Test
    void aConfigNamedByTheVariableThatDoesNotExistIsAMistakeNotASkip() throws IOException {
        config(etc.resolve("collector.yaml"), "from-etc");
        environment.put("CULPRIT_CONFIG", dir.resolve("typo.yaml").toString());

        int exit = culprit("collect", "--once", "--out", dir.resolve("x.gz").toString(), MAIL_LOG.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit: collector config: " + dir.resolve("typo.yaml") + " ($CULPRIT_CONFIG)",
                "culprit collect: " + dir.resolve("typo.yaml") + ": no such file");
    }

    /** A rules directory whose one file has a mistake, so that which directory `run` took shows in the exit 2 it gives. */
    private Path brokenRules(Path rules) throws IOException {
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("dos.yaml"), "kind: dos\nfor: soon\n");
        return rules;
    }

    @Test
    void theRunningPipelineTakesRulesFromTheOptionThenTheVariableThenEtc() throws IOException {
        Path given = brokenRules(dir.resolve("given-rules"));
        Path variable = brokenRules(dir.resolve("variable-rules"));
        Path system = brokenRules(etc.resolve("rules"));
        environment.put("CULPRIT_RULES", variable.toString());

        String[] run = {"run", "--bootstrap-servers", "127.0.0.1:9", "--data-dir", dir.resolve("data").toString()};
        assertThat(culprit(append(run, "--rules", given.toString()))).isEqualTo(2);
        assertThat(culprit(run)).isEqualTo(2);
        environment.remove("CULPRIT_RULES");
        assertThat(culprit(run)).isEqualTo(2);

        assertThat(err.toString().lines()).containsExactly(
                "culprit: rules: " + given + " (--rules)",
                "culprit run: " + given.resolve("dos.yaml") + ":2: for: expected a duration such as 10s (units: ms, s, m, h, d), got 'soon'",
                "culprit: rules: " + variable + " ($CULPRIT_RULES)",
                "culprit run: " + variable.resolve("dos.yaml") + ":2: for: expected a duration such as 10s (units: ms, s, m, h, d), got 'soon'",
                "culprit: rules: " + system,
                "culprit run: " + system.resolve("dos.yaml") + ":2: for: expected a duration such as 10s (units: ms, s, m, h, d), got 'soon'");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void withoutRulesAnywhereTheShippedOnesBuiltInAreUsedAndSaidSo() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.culprit.gz"));

        culprit("replay", empty.toString(), "--no-store", "--data-dir", dir.resolve("data").toString());

        assertThat(err.toString().lines().findFirst().orElseThrow()).isEqualTo(
                "culprit: rules: built in (none at --rules, $CULPRIT_RULES, " + etc.resolve("rules") + ")");
    }

    @Test
    void rulesCheckWithoutADirectoryChecksWhatThePipelineWouldLoad() throws IOException {
        Path system = Files.createDirectories(etc.resolve("rules"));
        Files.writeString(system.resolve("mail.yaml"), "kind: mail\nname: forms\n");

        int exit = culprit("rules", "check");

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).first().isEqualTo("ok: " + system.resolve("mail.yaml") + " (mail \"forms\")");
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
