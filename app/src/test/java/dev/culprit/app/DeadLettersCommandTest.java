package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Schema;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.DeadLetterStore;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing read is lost unseen: a log read as the wrong kind fails `collect --once` naming the kind
 * that fits, and `culprit deadletters` shows every line that did not parse, from an archive or
 * from the history.
 */
class DeadLettersCommandTest {

    private static final Path EVASIVE_ERROR_LOG = Path.of("../collectors/src/test/resources/captured/evasive/run1-writable-apache-error.txt");

    @TempDir
    Path dir;

    private StringWriter out;
    private StringWriter err;

    private int culprit(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return CulpritCli.execute(out, err, args);
    }

    @Test
    void aLogReadAsTheWrongKindFailsNamingTheKindThatFitsAndItsLinesAreDeadLettersInTheArchive() throws IOException {
        Path log = dir.resolve("error.log.txt");
        List<String> lines = Files.readAllLines(EVASIVE_ERROR_LOG).subList(0, 800);
        Files.write(log, lines);
        Path archive = dir.resolve("mail.jsonl.gz");

        int exit = culprit("collect", "--once", "--kind", "phpmail", "--host", "web1", "--out", archive.toString(), log.toString());

        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("culprit collect --once: " + log + ": 800 of 800 line(s) are not a phpmail log's; "
                        + "it looks like an evasive log: pass --kind evasive or leave --kind out")
                .contains("culprit deadletters " + archive + " shows the lines that did not parse");

        int shown = culprit("deadletters", archive.toString(), "--limit", "2");

        assertThat(shown).as(err.toString()).isZero();
        List<String> table = out.toString().lines().toList();
        assertThat(table.get(0)).startsWith("TIME").contains("HOST", "SOURCE", "FILE:OFFSET", "REASON", "LINE");
        long lastOffset = Files.size(log) - lines.get(799).length() - 1;
        assertThat(table).hasSize(3);
        assertThat(table.get(1)).contains("web1", "phpmail", "/error.log.txt:" + lastOffset, "nor a syslog line", "[evasive20:error]");

        int json = culprit("deadletters", archive.toString(), "--format", "json", "--source", "PHPMAIL");

        assertThat(json).isZero();
        List<String> objects = out.toString().lines().toList();
        assertThat(objects).hasSize(100); // the default --limit
        var first = EventCodec.mapper().readTree(objects.get(0));
        assertThat(first.get("file").asText()).isEqualTo(log.toString());
        assertThat(first.get("offset").asLong()).isEqualTo(lastOffset);
        assertThat(first.get("raw").asText()).isEqualTo(lines.get(799));

        assertThat(culprit("deadletters", archive.toString(), "--source", "access")).isZero();
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no dead letters in " + archive + " from access");
    }

    @Test
    void theRightKindReadsCleanAndExitsZero() throws IOException {
        Path log = dir.resolve("error.log.txt");
        Files.write(log, Files.readAllLines(EVASIVE_ERROR_LOG).subList(0, 800));

        int exit = culprit("collect", "--once", "--kind", "evasive", "--out", dir.resolve("ok.jsonl.gz").toString(), log.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString()).doesNotContain("line(s) are not");
    }

    @Test
    void theHistoryShowsDeadLettersWithFileOffsetAndReasonNewestFirstAndFiltered() {
        Path dataDir = dir.resolve("data");
        var database = DataDirectory.prepare(dataDir, notice -> { }).database("culprit");
        long now = System.currentTimeMillis();
        new DeadLetterStore(database).save(List.of(
                new DeadLetter("web1", "phpmail", now - 60_000, Schema.VERSION, "/var/log/mail.log", 4_096,
                        "neither 'mail() on [' nor a syslog line", "garbage\u001b[31m red"),
                new DeadLetter("web1", "evasive", now - 30_000, Schema.VERSION, "/var/log/apache2/error.log", 77,
                        "no client address", "[evasive20:error] broken"),
                new DeadLetter("web1", "phpmail", now - 3 * 86_400_000L, Schema.VERSION, "/var/log/mail.log", 12,
                        "old", "three days ago")));

        int exit = culprit("deadletters", "--data-dir", dataDir.toString());

        assertThat(exit).as(err.toString()).isZero();
        List<String> rows = out.toString().lines().toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).contains("evasive", "/var/log/apache2/error.log:77", "no client address");
        assertThat(rows.get(2)).contains("phpmail", "/var/log/mail.log:4096", "garbage\\x1b[31m red").doesNotContain("\u001b");

        assertThat(culprit("deadletters", "--data-dir", dataDir.toString(), "--source", "phpmail", "--since", "7d")).isZero();
        assertThat(out.toString().lines().skip(1)).hasSize(2).allMatch(row -> row.contains("/var/log/mail.log"));
    }

    @Test
    void anArchiveAndAHistoryAtOnceIsAMistake() throws IOException {
        int exit = culprit("deadletters", dir.resolve("x.jsonl.gz").toString(), "--data-dir", dir.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("ARCHIVE and --data-dir/--db are two places to read: give one");
    }
}
