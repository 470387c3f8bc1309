package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int culprit(String... args) {
        return CulpritCli.execute(out, err, args);
    }

    private void write(String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void goodFilesAreListedWithTheirKindAndNameAndTheRestKeepDefaults() throws IOException {
        write("dos.yaml", "kind: dos\nname: shop-flood\nthresholds:\n  minRequestsPerSec: 500\n");
        write("mail.yaml", "kind: mail\n");

        int exit = culprit("rules", "check", dir.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "ok: " + dir.resolve("dos.yaml") + " (dos \"shop-flood\")",
                "ok: " + dir.resolve("mail.yaml") + " (mail \"mail\")",
                "default: iowait (no file in " + dir + "; built-in thresholds)");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void everyMistakeIsPrintedAsFileLineReasonAndTheExitCodeIsTwo() throws IOException {
        write("dos.yaml", "kind: dos\nthresholds:\n  rateFactor: 5\n  saturation: 90\n");
        write("iowait.yaml", "kind: iowait\nfor: 10\nthresholds:\n  iowaitPct: 120\n");
        write("mail.yaml", "kind: mail\nname: forms\n");

        int exit = culprit("rules", "check", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString().lines()).containsExactly("ok: " + dir.resolve("mail.yaml") + " (mail \"forms\")");
        assertThat(err.toString().lines()).containsExactly(
                dir.resolve("dos.yaml") + ":4: unknown key 'saturation' under thresholds "
                        + "(known: rateFactor, minRequestsPerSec, saturationPct, deniedPerSec)",
                dir.resolve("iowait.yaml") + ":2: for: expected a duration with a unit, e.g. 10s (units: ms, s, m, h, d), got 10",
                dir.resolve("iowait.yaml") + ":4: thresholds.iowaitPct: expected a percentage from 0 to 100, got 120",
                "culprit rules check: 3 mistakes in 2 files");
    }

    @Test
    void theShippedRuleFilesAreGood() {
        Path shipped = Path.of("..", "rules");

        int exit = culprit("rules", "check", shipped.toString());

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).containsExactly(
                "ok: " + shipped.resolve("dos.yaml") + " (dos \"dos\")",
                "ok: " + shipped.resolve("iowait.yaml") + " (iowait \"iowait\")",
                "ok: " + shipped.resolve("mail.yaml") + " (mail \"mail\")");
    }

    @Test
    void aMissingDirectoryIsAMistake() {
        int exit = culprit("rules", "check", dir.resolve("nope").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith(dir.resolve("nope") + ": no such directory");
    }

    @Test
    void rulesAloneAsksForItsSubcommand() {
        int exit = culprit("rules");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly(
                "culprit rules: missing COMMAND: check [DIR] or push [DIR]", "see 'culprit rules --help'");
    }
}
