package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.EventArchive;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped real incidents replayed through the detection job: same incidents at any speed, and back-testing rules. */
@Tag("slow")
class ReplayTest {

    private static final Path SCENARIOS = Path.of("src/main/resources/scenarios");

    @TempDir
    Path dir;

    @Test
    void realTimeAndFullSpeedFindTheSameIncidents() throws Exception {
        List<Event> mail = EventArchive.read(SCENARIOS.resolve("mail.jsonl.gz"));

        List<Incident> asItHappened = Replay.run(dir, mail, RuleSet.DEFAULT, 1, null, done -> { });
        List<Incident> flatOut = Replay.run(dir, mail, RuleSet.DEFAULT, 0, null, done -> { });

        assertThat(asItHappened).isNotEmpty().isEqualTo(flatOut);
        assertThat(flatOut).extracting(Incident::kind).containsOnly(IncidentKind.MAIL);
        assertThat(flatOut.get(0).culprits().get(0).name()).isEqualTo("/var/www/html/wp-content/uploads/2024/05/x.php");
    }

    @Test
    void aTenTimesReplayOfTheAttackNamesEveryAttackerLikeAFullSpeedOne() throws Exception {
        List<Event> dos = EventArchive.read(SCENARIOS.resolve("dos.jsonl.gz"));

        List<Incident> tenTimes = Replay.run(dir, dos, RuleSet.DEFAULT, 10, null, done -> { });
        List<Incident> flatOut = Replay.run(dir, dos, RuleSet.DEFAULT, 0, null, done -> { });

        assertThat(tenTimes).isEqualTo(flatOut);
        assertThat(flatOut.get(0).culprits()).extracting(c -> c.name())
                .contains("127.0.0.66", "127.0.0.67", "127.0.0.68").doesNotContain("127.0.0.10");
    }

    @Test
    void theDdStallCapturedFromProcNamesDdAndItsDisk() throws Exception {
        List<Event> iowait = EventArchive.read(SCENARIOS.resolve("iowait.jsonl.gz"));

        List<Incident> incidents = Replay.run(dir, iowait, RuleSet.DEFAULT, 0, null, done -> { });

        assertThat(incidents).extracting(Incident::kind).containsExactly(IncidentKind.IOWAIT);
        var processes = incidents.get(0).culprits().stream().filter(c -> c.role().equals("process")).toList();
        assertThat(processes).isNotEmpty().allSatisfy(c -> assertThat(c.name()).endsWith(" dd"));
        // dd is restarted every 2 GiB; one that exited in the interval has no open files left to name a disk by
        assertThat(processes).anySatisfy(c -> assertThat(c.details()).containsEntry("disks", "vda"));
    }

    @Test
    void diffShowsWhatARuleChangeWouldHaveMissed() throws Exception {
        Path dataDir = dir.resolve("data");
        List<Event> mail = EventArchive.read(SCENARIOS.resolve("mail.jsonl.gz"));
        // History as the live pipeline recorded it, under the shipped rules.
        Replay.run(dataDir, mail, RuleSet.DEFAULT, 0, DataDirectory.prepare(dataDir, notice -> { }).database("culprit").access(), done -> { });
        Path laxRules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(laxRules.resolve("mail.yaml"), """
                kind: mail
                thresholds:
                  mailsPerMinute: 5000
                  recipientsPerWindow: 100000
                  recipientsPerMail: 1000
                  sameSubject: 5000
                  newScriptMails: 5000
                """);
        StringWriter out = new StringWriter();

        int exit = Culprit.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("replay", SCENARIOS.resolve("mail.jsonl.gz").toString(), "--rules", laxRules.toString(),
                        "--diff", "--data-dir", dataDir.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("no incidents").contains("missing  demo-mail-mail-");
    }
}
