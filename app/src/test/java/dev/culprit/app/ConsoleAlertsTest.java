package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import dev.culprit.storage.IncidentId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A live alert as the operator's terminal receives it, when the attacker chose the names in it. */
class ConsoleAlertsTest {

    /** A script whose file name clears the screen, sets the window title and reverses the text after it. */
    private static final String HOSTILE_SCRIPT = "/var/www/up\u001b[2J\u001b]0;owned\u0007load/\u202ex.php";
    private static final Terminal WIDE_FILE = new Terminal(1000, false);
    private static final LocalDate SOME_OTHER_DAY = LocalDate.of(2000, 1, 1);

    /** What the shipped mail scenario's resolved alert says (issue 11: 549 characters on one line). */
    private static Alert demoMailResolved(long ts) {
        String script = "/var/www/html/wp-content/uploads/2024/05/x.php";
        Incident incident = new Incident("demo-mail", "mail-detector", ts, 1, "demo-mail-mail-var-www-html-wp-content-uploads-2024-05-x.php-1796151435464",
                IncidentKind.MAIL, Severity.CRITICAL, "mail", ts - 1_200_000, ts - 600_000, "condition cleared",
                "Mail abuse on demo-mail: " + script + " sent 200 mails (up to 200 a minute) to 200 distinct recipients (up to 1 in one mail); "
                        + "crossed mailsPerMinute, recipientsPerWindow, sameSubject, newScriptMails. Stop the script (move it away or chmod 000) "
                        + "and find how it got there",
                List.of(new Culprit("script", script, Map.of("mails", 200.0, "peakMailsPerMinute", 200.0, "distinctRecipients", 200.0),
                        Map.of("subjects", "Your invoice | Your invoice", "recipientDomains", "example.com, example.net"))),
                List.of("demo-mail-iowait-1796151435000"));
        return new Alert("demo-mail", "mail-detector", ts, 1, Alert.State.RESOLVED, incident);
    }

    @Test
    void anAlertIsOneLineThatFitsTheTerminalAndItsDetailsAnIndentedSecond() {
        long ts = Instant.parse("2026-12-02T02:52:01Z").toEpochMilli();
        Alert alert = demoMailResolved(ts);

        List<String> lines = ConsoleAlerts.format(alert, new Terminal(80, false), SOME_OTHER_DAY).lines().toList();

        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        String id = IncidentId.of(alert.incident().id());
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  RESOLVED  mail    critical  " + id
                + "  demo-mail  \\[conditio…");
        assertThat(lines.get(1)).startsWith("    culprits: script /var/www/html/wp-content/uploads/2024/05/x.php (").endsWith("…");
        // the id is short, and says neither host nor kind again
        assertThat(id).matches("[0-9a-f]{8}");
    }

    @Test
    void aMarkedAlertStillFitsTheTerminal() {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        ConsoleAlerts console = new ConsoleAlerts(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8),
                new Terminal(80, false));

        console.accept(demoMailResolved(Instant.parse("2026-12-02T02:52:01Z").toEpochMilli()), ReplayedAlerts.MARK);

        List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(lines.get(0)).startsWith("[replay] ").contains("RESOLVED  mail");
        assertThat(console.printed()).isEqualTo(1);
    }

    @Test
    void theCulpritsAreNamedBeforeTheirFiguresSoANarrowTerminalCutsFigures() {
        Incident incident = new Incident("web1", "iowait-detector", 90_000, 1, "web1-iowait-1", IncidentKind.IOWAIT,
                Severity.WARNING, "iowait", 0, null, null, "I/O wait on web1",
                List.of(new Culprit("disk", "vda", Map.of("readsPerSec", 8.0, "writesPerSec", 1168.0, "discardsPerSec", 19.0, "utilPct", 90.0)),
                        new Culprit("process", "13155 dd", Map.of("writeBytesPerSec", 6.5e7)),
                        new Culprit("process", "13190 dd", Map.of()), new Culprit("process", "1 init", Map.of())),
                List.of());

        String details = ConsoleAlerts.format(new Alert("web1", "iowait-detector", 90_000, 1, Alert.State.FIRING, incident),
                new Terminal(80, false), SOME_OTHER_DAY).lines().toList().get(1);

        assertThat(details).hasSize(80).startsWith("    culprits: disk vda, process 13155 dd, process 13190 dd, +1 more (vda: ");
    }

    @Test
    void anAlertFromTodayShowsTheTimeOfDayOnly() {
        long ts = Instant.parse("2026-12-02T02:52:01Z").toEpochMilli();
        LocalDate thatDay = LocalDate.ofInstant(Instant.ofEpochMilli(ts), ZoneId.systemDefault());

        String line = ConsoleAlerts.format(demoMailResolved(ts), WIDE_FILE, thatDay).lines().findFirst().orElseThrow();

        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d  RESOLVED  mail .*");
        assertThat(line).contains("  demo-mail  [condition cleared] Mail abuse on demo-mail: ").endsWith("find how it got there");
    }

    @Test
    void controlAndBidiCharactersFromTheHostAreShownEscapedNotObeyed() {
        Incident incident = new Incident("web\u001b[31m1", "mail-detector", 60_000, 1, "web1-mail-1", IncidentKind.MAIL,
                Severity.CRITICAL, "mail", 0, null, null, "Mail abuse on web1: " + HOSTILE_SCRIPT + " sent 200 mails",
                List.of(new Culprit("script", HOSTILE_SCRIPT, Map.of("mails", 200.0))), List.of("web\u001b[31m1-iowait-1"));

        String text = ConsoleAlerts.format(new Alert("web1", "mail-detector", 60_000, 1, Alert.State.FIRING, incident), WIDE_FILE, SOME_OTHER_DAY);

        assertThat(text.lines()).hasSize(2);
        assertThat(text).doesNotContain("\u001b", "\u0007", "\u202e")
                .contains("/var/www/up\\x1b[2J\\x1b]0;owned\\x07load/\\u202ex.php")
                .contains("web\\x1b[31m1")
                .contains("script /var/www/up\\x1b[2J")
                .contains("x.php: mails=200")
                .contains("related: " + IncidentId.of("web\u001b[31m1-iowait-1"));
    }

    @Test
    void colourMarksTheStateOnATerminalAndIsTheOnlyEscapeSequence() {
        Incident incident = new Incident("web1", "mail-detector", 60_000, 1, "web1-mail-1", IncidentKind.MAIL,
                Severity.CRITICAL, "mail", 0, null, null, "Mail abuse: " + HOSTILE_SCRIPT,
                List.of(new Culprit("script", HOSTILE_SCRIPT, Map.of())), List.of());
        Alert alert = new Alert("web1", "mail-detector", 60_000, 1, Alert.State.FIRING, incident);

        String line = ConsoleAlerts.format(alert, Terminal.of(Map.of("COLUMNS", "200"), true), SOME_OTHER_DAY);

        assertThat(line).contains("  \u001b[31mFIRING\u001b[0m    mail  ");
        assertThat(line.chars().filter(c -> c == 0x1b)).hasSize(2);
        assertThat(ConsoleAlerts.format(alert, Terminal.of(Map.of("COLUMNS", "200", "NO_COLOR", "1"), true), SOME_OTHER_DAY))
                .doesNotContain("\u001b");
        assertThat(ConsoleAlerts.format(alert, Terminal.of(Map.of("COLUMNS", "200"), false), SOME_OTHER_DAY)).doesNotContain("\u001b");
    }

    @Test
    void noColourIsHonouredAndAnEmptyOneIsNotSet() {
        assertThat(Terminal.of(Map.of("COLUMNS", "80", "NO_COLOR", "1"), true).colour()).isFalse();
        assertThat(Terminal.of(Map.of("COLUMNS", "80", "NO_COLOR", ""), true).colour()).isTrue();
        assertThat(Terminal.of(Map.of("COLUMNS", "80"), false).colour()).isFalse();
    }

    @Test
    void theWidthIsColumnsOrAHundred() {
        assertThat(Terminal.of(Map.of("COLUMNS", "132"), false).width()).isEqualTo(132);
        assertThat(Terminal.of(Map.of("COLUMNS", " 90 "), false).width()).isEqualTo(90);
        assertThat(Terminal.of(Map.of(), false).width()).isEqualTo(Terminal.DEFAULT_WIDTH);
        assertThat(Terminal.of(Map.of("COLUMNS", "wide"), false).width()).isEqualTo(Terminal.DEFAULT_WIDTH);
        assertThat(Terminal.of(Map.of("COLUMNS", "0"), false).width()).isEqualTo(Terminal.DEFAULT_WIDTH);
        assertThat(Terminal.of(Map.of("COLUMNS", "10"), false).width()).isEqualTo(40);
    }

    @Test
    void aResolvedAlertSaysWhyItEnded() {
        Incident incident = new Incident("web1", "iowait-detector", 90_000, 1, "web1-iowait-1", IncidentKind.IOWAIT,
                Severity.WARNING, "iowait", 0, 20_000L, "host sent nothing for 1m", "I/O wait on web1: iowait up to 40.0%",
                List.of(new Culprit("disk", "vda", Map.of("utilPct", 90.0))), List.of());

        String text = ConsoleAlerts.format(new Alert("web1", "iowait-detector", 90_000, 1, Alert.State.RESOLVED, incident), WIDE_FILE, SOME_OTHER_DAY);

        assertThat(text.lines().toList().get(0)).contains("RESOLVED").endsWith("[host sent nothing for 1m] I/O wait on web1: iowait up to 40.0%");
        assertThat(text.lines().toList().get(1)).isEqualTo("    culprits: disk vda (vda: utilPct=90)");
    }
}
