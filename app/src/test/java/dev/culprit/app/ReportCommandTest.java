package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void history() {
        QueryCommandTest.write(new IncidentStore(DataDirectory.prepare(dir, notice -> { }).database("culprit")), System.currentTimeMillis());
    }

    @Test
    void writesTheIncidentsPageReadableByItsOwnerOnly() throws Exception {
        Path page = dir.resolve("dos.html");
        QueryCommandTest.Run run = QueryCommandTest.run("report", IncidentId.of("dos-burst"), "--data-dir", dir.toString(),
                "--out", page.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("incident " + IncidentId.of("dos-burst") + " written to " + page);
        assertThat(Files.getPosixFilePermissions(page)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String html = Files.readString(page);
        assertThat(html).startsWith("<!DOCTYPE html>").contains("data-chart=\"requests\"").contains("data-chart=\"culprits-client\"")
                .doesNotContain("<script").doesNotContain("src=\"http");
    }

    @Test
    void writesToStandardOutputWhenAsked() {
        QueryCommandTest.Run run = QueryCommandTest.run("report", "mail-flood", "--data-dir", dir.toString(), "--out", "-");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("<!DOCTYPE html>").contains("/var/www/contact.php")
                .contains("href=\"incident-" + IncidentId.of("long-iowait") + ".html\"");
    }

    @Test
    void anUnknownIncidentIsAClearFailure() {
        QueryCommandTest.Run run = QueryCommandTest.run("report", "0badf00d", "--data-dir", dir.toString());

        assertThat(run.exit()).isEqualTo(Culprit.EXIT_RUNTIME);
        assertThat(run.err()).contains("culprit report: no incident '0badf00d' in ");
        assertThat(dir.resolve("incident-0badf00d.html")).doesNotExist();
    }

    @Test
    void theLivePageNeedsAPipelineToFollow() {
        QueryCommandTest.Run run = QueryCommandTest.run("ui", "--data-dir", dir.toString(), "--port", "0");

        assertThat(run.exit()).isEqualTo(Culprit.EXIT_USAGE);
        assertThat(run.err()).contains("no running pipeline in " + dir).contains("--bootstrap-servers");
    }
}
