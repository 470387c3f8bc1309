package dev.culprit.collectors.apache;

import static dev.culprit.collectors.apache.CapturedPages.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * What the golden cases do not show: variants real servers print that this machine's Apache
 * 2.4.71 did not, made by editing a captured page the way those servers differ.
 */
class ServerStatusParserTest {

    private static final String EVENT_LOAD = text("event-load-auto-1.txt");

    @Test
    void aKeyPrintedTwiceKeepsItsFirstValue() {
        // Async MPMs before 2.4.71 print BusyWorkers/IdleWorkers a second time further down.
        String twice = EVENT_LOAD.replace("ConnsTotal: 21\n", "ConnsTotal: 21\nBusyWorkers: 99\nIdleWorkers: 1\n");

        AutoStatus status = ServerStatusParser.parse(twice);

        assertThat(status.busyWorkers()).isEqualTo(26);
        assertThat(status.idleWorkers()).isEqualTo(49);
    }

    @Test
    void withExtendedStatusOffThereAreNoTotals() {
        String off = EVENT_LOAD.replaceAll("(?m)^(Total .*|CPU.*|Uptime|ReqPerSec|BytesPer.*|DurationPerReq): .*\n", "");

        AutoStatus status = ServerStatusParser.parse(off);

        assertThat(status.totalAccesses()).isNull();
        assertThat(status.totalKBytes()).isNull();
        assertThat(status.uptimeSeconds()).isEqualTo(5);
        assertThat(status.scoreboard().count(ScoreboardState.SENDING)).isEqualTo(26);
    }

    @Test
    void withoutTheServerNameLineOrWithWindowsLineEndsTheFieldsStillRead() {
        String older = EVENT_LOAD.substring(EVENT_LOAD.indexOf('\n') + 1).replace("\n", "\r\n");

        AutoStatus status = ServerStatusParser.parse(older);

        assertThat(status.serverName()).isNull();
        assertThat(status.totalAccesses()).isEqualTo(16731);
        assertThat(status.scoreboard().slots()).isEqualTo(150);
    }

    @Test
    void linesOtherModulesAppendAfterTheScoreboardAreNotRead() {
        String appended = EVENT_LOAD + "<b>not ours</b>\nBusyWorkers: zero\n";

        assertThat(ServerStatusParser.parse(appended).busyWorkers()).isEqualTo(26);
    }

    @Test
    void anHtmlPageIsRefusedNamingItsSecondLine() {
        assertThatThrownBy(() -> ServerStatusParser.parse(text("prefork-idle.html")))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("line 2: expected 'Key: value', got '<html><head>'");
    }

    @Test
    void aCounterThatIsNotANumberIsNamedWithItsLine() {
        String bad = EVENT_LOAD.replace("Total Accesses: 16731", "Total Accesses: 16,731");

        assertThatThrownBy(() -> ServerStatusParser.parse(bad))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("line 14: 'Total Accesses' should be a whole number of at most 18 digits, got '16,731'");
    }

    @Test
    void anUnknownScoreboardStateIsNamedWithItsSlot() {
        String bad = EVENT_LOAD.replace("Scoreboard: _WWWW", "Scoreboard: _WXWW");

        assertThatThrownBy(() -> ServerStatusParser.parse(bad))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("line 37: scoreboard slot 3 is 'X', expected one of _SRWKDCLGI.");
    }

    @Test
    void aPageWithoutAScoreboardIsNoStatusPage() {
        assertThatThrownBy(() -> ServerStatusParser.parse("127.0.0.1\nServerVersion: Apache/2.4.71 (Debian)\n"))
                .isInstanceOf(StatusFormatException.class)
                .hasMessage("no 'Scoreboard:' line; is this a mod_status ?auto page?");
    }
}
