package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A live alert as the operator's terminal receives it, when the attacker chose the names in it. */
class ConsoleAlertsTest {

    /** A script whose file name clears the screen, sets the window title and reverses the text after it. */
    private static final String HOSTILE_SCRIPT = "/var/www/up\u001b[2J\u001b]0;owned\u0007load/\u202ex.php";

    @Test
    void controlAndBidiCharactersFromTheHostAreShownEscapedNotObeyed() {
        Incident incident = new Incident("web\u001b[31m1", "mail-detector", 60_000, 1, "web1-mail-1", IncidentKind.MAIL,
                Severity.CRITICAL, "mail", 0, null, null, "Mail abuse on web1: " + HOSTILE_SCRIPT + " sent 200 mails",
                List.of(new Culprit("script", HOSTILE_SCRIPT, Map.of("mails", 200.0))), List.of());

        String line = ConsoleAlerts.format(new Alert("web1", "mail-detector", 60_000, 1, Alert.State.FIRING, incident), false);

        assertThat(line).doesNotContain("\u001b", "\u0007", "\u202e")
                .contains("/var/www/up\\x1b[2J\\x1b]0;owned\\x07load/\\u202ex.php")
                .contains("web\\x1b[31m1")
                .contains("script /var/www/up\\x1b[2J")
                .contains("mails=200");
    }

    @Test
    void colourIsTheOnlyEscapeSequenceOnATerminal() {
        Incident incident = new Incident("web1", "mail-detector", 60_000, 1, "web1-mail-1", IncidentKind.MAIL,
                Severity.CRITICAL, "mail", 0, null, null, "Mail abuse: " + HOSTILE_SCRIPT,
                List.of(new Culprit("script", HOSTILE_SCRIPT, Map.of())), List.of());

        String line = ConsoleAlerts.format(new Alert("web1", "mail-detector", 60_000, 1, Alert.State.FIRING, incident), true);

        assertThat(line).startsWith("\u001b[31m").endsWith("\u001b[0m");
        assertThat(line.chars().filter(c -> c == 0x1b)).hasSize(2);
    }

    @Test
    void aResolvedAlertSaysWhyItEnded() {
        Incident incident = new Incident("web1", "iowait-detector", 90_000, 1, "web1-iowait-1", IncidentKind.IOWAIT,
                Severity.WARNING, "iowait", 0, 20_000L, "host sent nothing for 1m", "I/O wait on web1: iowait up to 40.0%",
                List.of(new Culprit("disk", "vda", Map.of("utilPct", 90.0))), List.of());

        String line = ConsoleAlerts.format(new Alert("web1", "iowait-detector", 90_000, 1, Alert.State.RESOLVED, incident), false);

        assertThat(line).contains("RESOLVED").contains("iowait up to 40.0% [host sent nothing for 1m]  culprits: disk vda");
    }
}
