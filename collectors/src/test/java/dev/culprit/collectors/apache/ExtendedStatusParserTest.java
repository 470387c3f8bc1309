package dev.culprit.collectors.apache;

import static dev.culprit.collectors.apache.CapturedPages.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.ApacheStatus.WorkerRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worker table as a DoS or mail-abuse investigation reads it, and the table variants other
 * Apache versions print, made by editing a captured page the way they differ.
 */
class ExtendedStatusParserTest {

    private static final String PREFORK_LOAD = text("prefork-load.html");

    @Test
    void theBulkMailersCallersAreNamedWithTheirRequests() throws IOException {
        String page = Files.readString(Path.of("src/test/resources/captured/phpmail/file-bulk-server-status.html"));

        List<WorkerRequest> workers = ExtendedStatusParser.parse(page);

        assertThat(workers).filteredOn(w -> w.request().contains("x.php")).containsExactly(
                new WorkerRequest("127.0.0.78", "127.0.0.1:80",
                        "GET /wp-content/uploads/2024/05/x.php?n=50&off=50 HTTP/1.1", "W", 1L),
                new WorkerRequest("127.0.0.77", "127.0.0.1:80",
                        "GET /wp-content/uploads/2024/05/x.php?n=50&off=0 HTTP/1.1", "W", 1L));
        assertThat(workers).as("the contact form's finished POSTs are idle (_) slots")
                .noneMatch(w -> w.request().startsWith("POST /contact.php"));
    }

    @Test
    void aClosingWorkerCountsAsBusy() {
        assertThat(ExtendedStatusParser.parse(PREFORK_LOAD)).filteredOn(w -> w.mode().equals("C")).singleElement()
                .isEqualTo(new WorkerRequest("127.0.0.1", "127.0.0.1:80", "GET /culprit-small.html HTTP/1.0", "C", 0L));
    }

    @Test
    void withExtendedStatusOffThereIsNoTableAndNoWorkers() {
        String off = PREFORK_LOAD.replaceAll("(?s)<table border=\"0\">.*?</table>", "");

        assertThat(ExtendedStatusParser.parse(off)).isEmpty();
    }

    @Test
    void columnsAreFoundByHeaderWhenAnOlderApacheLacksProtocolAndDur() {
        // Apache 2.2: Srv PID Acc M CPU SS Req Conn Child Slot Client VHost Request
        String older = PREFORK_LOAD.replace("<th>Dur</th>", "").replace("<th>Protocol</th>", "")
                .replace("<td>http/1.1</td>", "")
                .replaceAll("(?m)^(</td>(?:<td>[^<]*</td>){3})<td>[^<]*</td>", "$1");

        assertThat(ExtendedStatusParser.parse(older)).isEqualTo(ExtendedStatusParser.parse(PREFORK_LOAD)).hasSize(20);
    }

    @Test
    void aRowCutShortIsNamed() {
        String cut = PREFORK_LOAD.replace("<td>127.0.0.23</td><td>http/1.1</td><td nowrap>127.0.0.1:80</td>"
                + "<td nowrap>GET /culprit-slow.php HTTP/1.1</td>", "");

        assertThatThrownBy(() -> ExtendedStatusParser.parse(cut))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("worker table row 13: 11 cells, the header names 15 or more");
    }

    @Test
    void aModeThatIsNoScoreboardStateIsNamed() {
        String bad = PREFORK_LOAD.replaceFirst("<td><b>C</b>", "<td><b>busy</b>");

        assertThatThrownBy(() -> ExtendedStatusParser.parse(bad))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("worker table row 2: M is 'busy', expected one scoreboard state of _SRWKDCLGI.");
    }
}
