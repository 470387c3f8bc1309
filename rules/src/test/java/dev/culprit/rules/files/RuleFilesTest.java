package dev.culprit.rules.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.rules.RuleSet;
import dev.culprit.rules.dos.DosRule;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.rules.mail.MailRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {

    /** Surefire runs in the module directory, which is also where the shipped rule files live. */
    private static final Path SHIPPED = Path.of(".");

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private List<String> problems() {
        return RuleFiles.check(dir).problems().stream().map(RuleProblem::toString).toList();
    }

    private String at(String name, int line) {
        return dir.resolve(name) + ":" + line + ": ";
    }

    // --- what loads

    @Test
    void theShippedFilesLoadToExactlyTheBuiltInDefaults() {
        RuleFiles.Check check = RuleFiles.check(SHIPPED);

        assertThat(check.problems()).isEmpty();
        assertThat(check.files()).extracting(f -> f.file().replace('\\', '/'))
                .containsExactly("./dos.yaml", "./iowait.yaml", "./mail.yaml");
        assertThat(RuleFiles.load(SHIPPED)).isEqualTo(RuleSet.DEFAULT);
    }

    @Test
    void theShippedFilesSpellOutEveryKeyRatherThanLeanOnTheDefaults() throws IOException {
        // a key left out would also load to DEFAULT; the shipped files are the documentation of the format
        assertThat(keysOf(SHIPPED.resolve("iowait.yaml"))).containsExactly(
                "kind", "name", "for", "cooldown", "minUpdateInterval", "silence", "thresholds",
                "iowaitPct", "pressureSomePct", "diskAwaitMs", "diskQueueSize", "criticalPct");
        assertThat(keysOf(SHIPPED.resolve("dos.yaml"))).containsExactly(
                "kind", "name", "for", "cooldown", "minUpdateInterval", "silence", "baselineHalfLife", "baselineAdaptAfter",
                "topClients", "thresholds",
                "rateFactor", "minRequestsPerSec", "saturationPct", "deniedPerSec");
        assertThat(keysOf(SHIPPED.resolve("mail.yaml"))).containsExactly(
                "kind", "name", "window", "cooldown", "minUpdateInterval", "silence", "topRecipientDomains", "thresholds",
                "mailsPerMinute", "recipientsPerWindow", "recipientsPerMail", "sameSubject", "newScriptMails");
    }

    private static List<String> keysOf(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(line -> line.replaceAll("#.*", ""))
                .filter(line -> line.contains(":"))
                .map(line -> line.substring(0, line.indexOf(':')).trim())
                .toList();
    }

    @Test
    void anEmptyDirectoryGivesEveryKindItsDefault() {
        assertThat(RuleFiles.load(dir)).isEqualTo(RuleSet.DEFAULT);
        assertThat(RuleFiles.check(dir).files()).isEmpty();
    }

    @Test
    void filesOtherThanYamlAreNotRules() throws IOException {
        write("README.md", "kind: nonsense");
        write(".iowait.yaml.swp", "kind: nonsense");
        Files.createDirectory(dir.resolve("old.yaml"));

        assertThat(RuleFiles.load(dir)).isEqualTo(RuleSet.DEFAULT);
    }

    @Test
    void everyIowaitKeyFillsItsComponent() throws IOException {
        write("iowait.yaml", """
                kind: iowait
                name: db-disks
                for: 500ms
                cooldown: 2m
                minUpdateInterval: 0s
                silence: 3m
                thresholds:
                  iowaitPct: 12.5
                  pressureSomePct: 15
                  diskAwaitMs: 0.8
                  diskQueueSize: 2
                  criticalPct: 40
                """);

        assertThat(RuleFiles.load(dir).iowait())
                .isEqualTo(new IoWaitRule("db-disks", 12.5, 15, 0.8, 2, 40, 500, 120_000, 0, 180_000));
    }

    @Test
    void everyDosKeyFillsItsComponent() throws IOException {
        write("dos.yaml", """
                kind: dos
                name: shop-flood
                for: 5s
                cooldown: 90s
                minUpdateInterval: 10s
                baselineHalfLife: 1h
                baselineAdaptAfter: 2h
                silence: 10m
                topClients: 25
                thresholds:
                  rateFactor: 3.5
                  minRequestsPerSec: 50
                  saturationPct: 100
                  deniedPerSec: 5
                """);

        assertThat(RuleFiles.load(dir).dos())
                .isEqualTo(new DosRule("shop-flood", 3.5, 50, 3_600_000, 7_200_000, 100, 5, 25, 5_000, 90_000, 10_000, 600_000));
    }

    @Test
    void everyMailKeyFillsItsComponent() throws IOException {
        write("mail.yml", """
                kind: mail
                name: contact-forms
                window: 15m
                cooldown: 20m
                minUpdateInterval: 2m
                silence: 1h
                topRecipientDomains: 3
                thresholds:
                  mailsPerMinute: 10
                  recipientsPerWindow: 40
                  recipientsPerMail: 5
                  sameSubject: 12
                  newScriptMails: 1
                """);

        assertThat(RuleFiles.load(dir).mail())
                .isEqualTo(new MailRule("contact-forms", 10, 40, 5, 12, 1, 900_000, 3, 1_200_000, 120_000, 3_600_000));
    }

    @Test
    void aFileSetsOnlyTheKeysItNamesAndKindsWithoutAFileKeepTheirDefaults() throws IOException {
        write("dos.yaml", """
                kind: dos
                thresholds:
                  minRequestsPerSec: 1000
                """);

        RuleSet rules = RuleFiles.load(dir);

        assertThat(rules.dos()).isEqualTo(new DosRule("dos", 5, 1000, 300_000, 1_800_000, 90, 20, 10, 10_000, 60_000, 30_000, 120_000));
        assertThat(rules.iowait()).isEqualTo(IoWaitRule.DEFAULT);
        assertThat(rules.mail()).isEqualTo(MailRule.DEFAULT);
    }

    @Test
    void ruleTextArrivingWithoutAFileParsesTheSameWay() {
        RuleFile file = RuleFiles.parse("rules/mail.yaml", "kind: mail\nname: strict\nthresholds:\n  mailsPerMinute: 5\n");

        assertThat(file).isInstanceOf(RuleFile.Mail.class);
        assertThat(file.kind()).isEqualTo(RuleKind.MAIL);
        assertThat(file.name()).isEqualTo("strict");
        assertThat(file.applyTo(RuleSet.DEFAULT).mail().mailsPerMinute()).isEqualTo(5);
        assertThat(file.applyTo(RuleSet.DEFAULT).dos()).isEqualTo(DosRule.DEFAULT);
    }

    // --- mistakes, each with its file and line

    @Test
    void anUnknownKeyIsNamedOnItsOwnLineWithTheKeysThatAreKnown() throws IOException {
        write("dos.yaml", """
                kind: dos
                name: dos
                for: 10s
                thresholds:
                  rateFactor: 5
                  minRequestsPerSec: 200
                  saturation: 90
                  deniedPerSec: 20
                """);

        assertThat(problems()).containsExactly(at("dos.yaml", 7) + "unknown key 'saturation' under thresholds "
                + "(known: rateFactor, minRequestsPerSec, saturationPct, deniedPerSec)");
    }

    @Test
    void anUnknownTopLevelKeyListsTheTopLevelKeys() throws IOException {
        write("iowait.yaml", "kind: iowait\nseverity: high\n");

        assertThat(problems()).containsExactly(at("iowait.yaml", 2) + "unknown key 'severity' "
                + "(known: kind, name, thresholds, for, cooldown, minUpdateInterval, silence)");
    }

    @Test
    void aKnownKeyInTheWrongPlaceSaysWhereItBelongs() throws IOException {
        write("iowait.yaml", """
                kind: iowait
                iowaitPct: 30
                thresholds:
                  for: 10s
                """);

        assertThat(problems()).containsExactly(
                at("iowait.yaml", 2) + "unknown key 'iowaitPct': it belongs under thresholds:",
                at("iowait.yaml", 4) + "unknown key 'for' under thresholds: it belongs at the top level");
    }

    @Test
    void aKeyOfAnotherKindIsUnknownHere() throws IOException {
        write("mail.yaml", "kind: mail\nfor: 10s\n");

        assertThat(problems()).singleElement().asString()
                .startsWith(at("mail.yaml", 2) + "unknown key 'for' (known: kind, name, thresholds, window,");
    }

    @Test
    void anUnknownOrMissingKindIsNamed() throws IOException {
        write("a.yaml", "# flood rule\nkind: ddos\nthresholds:\n  whatever: 1\n");
        write("b.yaml", "name: orphan\n");

        assertThat(problems()).containsExactly(
                at("a.yaml", 2) + "unknown kind 'ddos' (known: iowait, dos, mail)",
                at("b.yaml", 1) + "missing key 'kind' (one of: iowait, dos, mail)");
    }

    @Test
    void valuesOfTheWrongTypeAreNamedWithWhatWasExpected() throws IOException {
        write("dos.yaml", """
                kind: dos
                name: [a, b]
                for: 10
                cooldown: ten seconds
                topClients: 2.5
                thresholds:
                  rateFactor: five
                  minRequestsPerSec: "200"
                  saturationPct:
                """);

        assertThat(problems()).containsExactly(
                at("dos.yaml", 2) + "name: expected a name for alerts to show, e.g. 'dos', got a list",
                at("dos.yaml", 3) + "for: expected a duration with a unit, e.g. 10s (units: ms, s, m, h, d), got 10",
                at("dos.yaml", 4) + "cooldown: expected a duration such as 1m (units: ms, s, m, h, d), got 'ten seconds'",
                at("dos.yaml", 5) + "topClients: expected a whole number of at least 1, got 2.5",
                at("dos.yaml", 7) + "thresholds.rateFactor: expected a number, got 'five'",
                at("dos.yaml", 8) + "thresholds.minRequestsPerSec: expected a number, got '200'",
                at("dos.yaml", 9) + "thresholds.saturationPct: expected a percentage, got nothing");
    }

    @Test
    void thresholdsAndDurationsThatMeanNothingAreRefused() throws IOException {
        write("dos.yaml", """
                kind: dos
                baselineHalfLife: 0s
                topClients: 0
                thresholds:
                  rateFactor: 1
                  minRequestsPerSec: 0
                  saturationPct: 120
                  deniedPerSec: -3
                """);
        write("mail.yaml", """
                kind: mail
                window: 0m
                thresholds:
                  sameSubject: -1
                """);

        assertThat(problems()).containsExactly(
                at("dos.yaml", 2) + "baselineHalfLife: expected a duration above 0, got '0s'",
                at("dos.yaml", 3) + "topClients: expected a whole number of at least 1, got 0",
                at("dos.yaml", 5) + "thresholds.rateFactor: expected a number above 1 "
                        + "(a rate at its own baseline is normal traffic), got 1",
                at("dos.yaml", 6) + "thresholds.minRequestsPerSec: expected a number above 0, got 0",
                at("dos.yaml", 7) + "thresholds.saturationPct: expected a percentage from 0 to 100, got 120",
                at("dos.yaml", 8) + "thresholds.deniedPerSec: expected a number above 0, got -3",
                at("mail.yaml", 2) + "window: expected a duration above 0, got '0m'",
                at("mail.yaml", 4) + "thresholds.sameSubject: expected a whole number of at least 1, got -1");
    }

    @Test
    void zeroWaitingTimesAreAllowedBecauseTheyMeanAtOnce() throws IOException {
        write("iowait.yaml", "kind: iowait\nfor: 0s\ncooldown: 0ms\nminUpdateInterval: 0h\n");

        IoWaitRule rule = RuleFiles.load(dir).iowait();

        assertThat(List.of(rule.forMs(), rule.cooldownMs(), rule.minUpdateMs())).containsOnly(0L);
    }

    @Test
    void aCriticalLevelBelowTheWarningLevelIsRefused() throws IOException {
        write("iowait.yaml", """
                kind: iowait
                thresholds:
                  pressureSomePct: 30
                  criticalPct: 25
                """);

        assertThat(problems()).containsExactly(at("iowait.yaml", 4) + "thresholds.criticalPct: 25 is below the "
                + "warning threshold 30 (iowaitPct / pressureSomePct): an incident would start out critical");
    }

    @Test
    void thresholdsMustBeKeysNotAValue() throws IOException {
        write("iowait.yaml", "kind: iowait\nthresholds: 20\n");

        assertThat(problems()).containsExactly(at("iowait.yaml", 2)
                + "thresholds: expected keys under it, e.g. 'iowaitPct: ...' on the next line, indented; got 20");
    }

    @Test
    void aKeyWrittenTwiceIsNamedWithItsFirstLine() throws IOException {
        write("iowait.yaml", "kind: iowait\nfor: 10s\ncooldown: 30s\nfor: 20s\n");

        assertThat(problems()).containsExactly(at("iowait.yaml", 4) + "duplicate key 'for' (first on line 2)");
    }

    @Test
    void twoFilesOfOneKindAreRefusedOnTheSecond() throws IOException {
        write("dos.yaml", "kind: dos\n");
        write("flood.yaml", "# stricter\nkind: dos\n");

        RuleFiles.Check check = RuleFiles.check(dir);

        assertThat(check.problems()).extracting(RuleProblem::toString).containsExactly(
                at("flood.yaml", 2) + "kind dos is already set by " + dir.resolve("dos.yaml") + " (one file per kind)");
        assertThat(check.files()).extracting(RuleFile::file).containsExactly(dir.resolve("dos.yaml").toString());
    }

    @Test
    void brokenYamlEmptyFilesAndFilesWithoutKeysAreNamed() throws IOException {
        write("a.yaml", "kind: dos\nthresholds:\n  rateFactor: [5\n");
        write("b.yaml", "# nothing yet\n");
        write("c.yaml", "- kind: dos\n");
        write("d.yaml", "kind: dos\n---\nkind: mail\n");

        List<String> problems = problems();

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).isEqualTo(at("a.yaml", 3)
                + "not valid YAML: expected ',' or ']', but got the end of the file (while parsing a flow sequence)");
        assertThat(problems.get(1)).isEqualTo(dir.resolve("b.yaml")
                + ": empty rule file: write at least 'kind: ...' (one of: iowait, dos, mail)");
        assertThat(problems.get(2)).isEqualTo(at("c.yaml", 1) + "expected keys such as 'kind: dos', got a list");
        assertThat(problems.get(3)).isEqualTo(at("d.yaml", 3) + "a second YAML document: a rule file holds one rule");
    }

    @Test
    void aTabIndentIsNamedOnItsLine() throws IOException {
        write("dos.yaml", "kind: dos\nthresholds:\n\trateFactor: 5\n");

        assertThat(problems()).singleElement().asString()
                .startsWith(at("dos.yaml", 3) + "not valid YAML: found character '\\t(TAB)' that cannot start any token");
    }

    @Test
    void aMissingDirectoryIsAMistakeNotADefault() {
        Path missing = dir.resolve("nope");

        assertThat(RuleFiles.check(missing).problems()).extracting(RuleProblem::toString)
                .containsExactly(missing + ": no such directory");
    }

    // --- all mistakes at once

    @Test
    void everyMistakeOfEveryFileIsReportedTogetherAndNothingLoads() throws IOException {
        write("dos.yaml", """
                kind: dos
                for: soon
                thresholds:
                  saturation: 90
                """);
        write("iowait.yaml", """
                kind: iowait
                thresholds:
                  iowaitPct: 101
                  diskQueueSize: -1
                """);
        write("mail.yaml", "kind: mail\n");

        RuleFiles.Check check = RuleFiles.check(dir);

        assertThat(check.problems()).extracting(p -> dir.relativize(Path.of(p.file())) + ":" + p.line())
                .containsExactly("dos.yaml:2", "dos.yaml:4", "iowait.yaml:3", "iowait.yaml:4");
        assertThat(check.files()).extracting(RuleFile::kind).containsExactly(RuleKind.MAIL);
        assertThatThrownBy(() -> RuleFiles.load(dir))
                .isInstanceOfSatisfying(RuleFileException.class, e -> {
                    assertThat(e.problems()).isEqualTo(check.problems());
                    assertThat(e.getMessage().lines()).hasSize(4).allMatch(l -> l.startsWith(dir.toString()));
                });
    }

    @Test
    void parsingTextReportsEveryMistakeInIt() {
        assertThatThrownBy(() -> RuleFiles.parse("rules/mail.yaml", """
                kind: mail
                window: 10
                thresholds:
                  mailsPerMinute: lots
                  subjects: 3
                """))
                .isInstanceOfSatisfying(RuleFileException.class, e -> assertThat(e.problems())
                        .extracting(RuleProblem::toString).containsExactly(
                                "rules/mail.yaml:2: window: expected a duration with a unit, e.g. 10s (units: ms, s, m, h, d), got 10",
                                "rules/mail.yaml:4: thresholds.mailsPerMinute: expected a whole number, got 'lots'",
                                "rules/mail.yaml:5: unknown key 'subjects' under thresholds (known: mailsPerMinute, "
                                        + "recipientsPerWindow, recipientsPerMail, sameSubject, newScriptMails)"));
    }
}
