package dev.culprit.rules.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.phpmail.PhpMailLineParser;
import dev.culprit.events.Alert;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import dev.culprit.rules.ShippedRules;
import dev.culprit.events.Severity;
import dev.culprit.rules.dos.CapturedStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MailAbuseDetectorTest {

    private static final String BULK_MAILER = "/var/www/html/wp-content/uploads/2024/05/x.php";
    private static final String CONTACT_FORM = "/var/www/html/contact.php";
    private static final PhpMailLineParser PARSER =
            new PhpMailLineParser(ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneOffset.UTC));
    private static final Map<String, Long> TIMES = CapturedStatus.times("phpmail");
    private static final long MINUTE = 60_000;

    private final MailAbuseDetector detector = new MailAbuseDetector(ShippedRules.RULES.mail());

    // --- real captures -------------------------------------------------------------------------

    @Test
    void theBulkMailerIsTheOnlyIncidentWithItsTwoHundredMailsAndTheClientsThatCalledIt() {
        List<Event> events = new ArrayList<>(capturedMailLog());
        events.add(bulkStatus());
        // quiet later on: a contact form message after 15 minutes, another after 30
        long quiet = TIMES.get("file-cli-end") + 15 * MINUTE;
        events.add(mail(quiet, CONTACT_FORM, "Contact form: hello", "info@example.com"));
        events.add(mail(quiet + 15 * MINUTE, CONTACT_FORM, "Contact form: hello again", "info@example.com"));

        List<Alert> alerts = feed(events);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts).extracting(a -> a.incident().id()).containsOnly(alerts.get(0).incident().id());
        assertThat(alerts.get(0).incident().id()).isEqualTo(
                "vm-mail-var-www-html-wp-content-uploads-2024-05-x.php-" + Instant.parse("2026-11-29T20:40:37Z").toEpochMilli());
        assertThat(alerts.get(0).ts()).isBetween(TIMES.get("file-bulk-start"), TIMES.get("file-bulk-end"));

        Incident resolved = alerts.get(1).incident();
        Culprit script = resolved.culprits().get(0);
        assertThat(resolved.culprits()).singleElement().extracting(Culprit::role, Culprit::name)
                .containsExactly("script", BULK_MAILER);
        assertThat(script.evidence()).containsEntry("mails", 200.0).containsEntry("maxRecipientsPerMail", 6.0);
        assertThat(script.evidence().get("mailsPerMinute")).isGreaterThan(30.0);
        assertThat(script.evidence().get("distinctRecipients")).isGreaterThan(100.0);
        assertThat(script.details()).containsEntry("origin", "file").containsEntry("clients", "127.0.0.77,127.0.0.78");
        assertThat(script.details().get("subjects").split(" \\| ")).containsExactlyInAnyOrder(
                "Your account has been suspended", "Invoice #44871 overdue - action required", "You have (1) new voicemail");
        // x.php rotates five domains over its 1200 distinct addresses
        assertThat(script.details().get("recipientDomains")).isEqualTo(
                "example.co.uk (240), example.com (240), example.net (240), example.org (240), mail.example.com (240)");
        assertThat(script.details().get("limits")).contains("mailsPerMinute", "recipientsPerWindow", "sameSubject",
                "newScriptMails");
        assertThat(resolved.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(resolved.summary()).contains(BULK_MAILER, "sent 200 mails", "called by 127.0.0.77, 127.0.0.78");
        // clear once its mails left the ten-minute window; seen clear at the next event, resolved a cooldown later
        assertThat(resolved.end()).isEqualTo(quiet);
        assertThat(alerts.get(1).ts()).isEqualTo(quiet + 15 * MINUTE);
        assertThat(alerts).allSatisfy(a -> assertThat(a.incident().summary()).doesNotContain(CONTACT_FORM));
    }

    @Test
    void aContactFormSendingTwoMailsNextToAnIdleServerIsNoIncident() {
        List<Event> events = new ArrayList<>();
        for (Event e : capturedMailLog()) {
            if (((PhpMail) e).script().equals(CONTACT_FORM)) {
                events.add(e);
            }
        }
        ApacheStatus previous = null;
        for (long ts = TIMES.get("file-contact-start") - 5 * MINUTE; ts < TIMES.get("file-contact-end") + 20 * MINUTE; ts += 10_000) {
            previous = CapturedStatus.poll(ts, "apache/prefork-idle-auto.txt", "apache/prefork-idle.html", previous);
            events.add(previous);
        }

        assertThat(events).filteredOn(PhpMail.class::isInstance).hasSize(2);
        assertThat(feed(events)).isEmpty();
    }

    // --- lifecycle, synthetic times ------------------------------------------------------------

    @Test
    void firesAtTheMailThatCrossesALimitUpdatesWhenItReachesManyAndResolvesAfterTheCooldown() {
        String script = "/srv/www/shop/newsletter.php";
        List<Event> events = new ArrayList<>();
        events.add(mail(0, script, "Spring sale", "alice@example.com")); // known for longer than the window
        long t = 20 * MINUTE;
        for (int i = 0; i < 31; i++) {
            events.add(mail(t + i * 1_000L, script, "Offer " + i, "r" + i + "@example.org"));
        }
        for (int i = 0; i < 80; i++) { // a minute later, fan-out to many more
            events.add(mail(t + MINUTE + i * 1_000L, script, "Offer b" + i, "s" + i + "@example.net"));
        }
        events.add(mail(t + 25 * MINUTE, "/srv/www/shop/other.php", "Hi", "x@example.com"));
        events.add(mail(t + 40 * MINUTE, "/srv/www/shop/other.php", "Hi again", "x@example.com"));

        List<Alert> alerts = feed(events);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.UPDATE, Alert.State.RESOLVED);
        assertThat(alerts.get(0).ts()).isEqualTo(t + 30_000); // the 31st mail within one minute
        assertThat(alerts.get(0).incident().severity()).isEqualTo(Severity.WARNING);
        assertThat(alerts.get(0).incident().start()).isEqualTo(t);
        assertThat(alerts.get(1).incident().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alerts.get(1).ts()).isGreaterThanOrEqualTo(alerts.get(0).ts() + ShippedRules.RULES.mail().minUpdateMs());
        Incident resolved = alerts.get(2).incident();
        assertThat(resolved.culprits().get(0).evidence()).containsEntry("mails", 111.0)
                .containsEntry("distinctRecipients", 111.0);
        // clear once the last mails left the ten-minute window, seen at the next event; resolved a cooldown later
        assertThat(resolved.end()).isEqualTo(t + 25 * MINUTE);
        assertThat(alerts.get(2).ts()).isEqualTo(t + 40 * MINUTE);
    }

    @Test
    void aBrandNewScriptIsHeldToTheNewScriptLimitAKnownOneIsNot() {
        List<Event> events = new ArrayList<>();
        events.add(mail(0, "/var/www/known.php", "Welcome", "a@example.com"));
        long t = 30 * MINUTE;
        for (int i = 0; i < 25; i++) { // 25 mails over 5 minutes: under every other limit
            events.add(mail(t + i * 12_000L, "/var/www/known.php", "Welcome " + i, "k" + i + "@example.com"));
            events.add(mail(t + i * 12_000L + 1, "/var/www/html/wp-content/cache/a1b2.php", "Hello " + i, "n" + i + "@example.com"));
        }

        List<Alert> alerts = feed(events);

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.incident().culprits().get(0).name()).isEqualTo("/var/www/html/wp-content/cache/a1b2.php");
            assertThat(a.incident().culprits().get(0).details()).containsEntry("limits", "newScriptMails");
            assertThat(a.incident().culprits().get(0).evidence()).containsEntry("mails", 21.0);
        });
    }

    @Test
    void aSingleMailToTooManyRecipientsIsAnIncident() {
        String[] recipients = new String[51];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = "list" + i + "@example.com";
        }

        List<Alert> alerts = feed(List.of(mail(1_000, "/var/www/html/notify.php", "Update", recipients)));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.incident().culprits().get(0).details()).containsEntry("limits", "recipientsPerMail");
            assertThat(a.incident().culprits().get(0).evidence()).containsEntry("maxRecipientsPerMail", 51.0);
        });
    }

    @Test
    void theStateSurvivesAJsonRoundTripMidIncident() throws Exception {
        List<Event> events = new ArrayList<>(capturedMailLog());
        events.add(bulkStatus());
        events.add(mail(TIMES.get("file-cli-end") + 25 * MINUTE, CONTACT_FORM, "Contact form: hello", "info@example.com"));
        events.sort(Comparator.comparingLong(Event::ts));
        int middle = 100;

        MailAbuseDetector.State state = MailAbuseDetector.State.EMPTY;
        for (Event e : events.subList(0, middle)) {
            state = detector.onEvent(state, e).state();
        }
        assertThat(state.scripts().get(BULK_MAILER).life().open()).isNotNull();
        String json = EventCodec.mapper().writeValueAsString(state);
        MailAbuseDetector.State restored = EventCodec.mapper().readValue(json, MailAbuseDetector.State.class);

        assertThat(restored).isEqualTo(state);
        assertThat(feedFrom(restored, events.subList(middle, events.size())))
                .isEqualTo(feedFrom(state, events.subList(middle, events.size())));
        assertThat(EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsString(MailAbuseDetector.State.EMPTY),
                MailAbuseDetector.State.class)).isEqualTo(MailAbuseDetector.State.EMPTY);
    }

    // --- helpers -------------------------------------------------------------------------------

    private List<Alert> feed(List<Event> events) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(Event::ts));
        return feedFrom(MailAbuseDetector.State.EMPTY, ordered);
    }

    private List<Alert> feedFrom(MailAbuseDetector.State state, List<Event> events) {
        List<Alert> alerts = new ArrayList<>();
        for (Event e : events) {
            var step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
        }
        return alerts;
    }

    /** Phase 1's mail.log through the real parser: 211 mails, 200 of them from x.php. */
    private static List<Event> capturedMailLog() {
        List<Event> mails = new ArrayList<>();
        for (String line : CapturedStatus.read("phpmail/file-mail-log.txt").split("\n")) {
            ParseResult result = PARSER.parse(CapturedStatus.HOST, line);
            assertThat(result).as(line).isInstanceOf(ParseResult.Parsed.class);
            mails.add(((ParseResult.Parsed) result).event());
        }
        assertThat(mails).hasSize(211);
        return mails;
    }

    /** The status page read about a second into the bulk run: x.php requested by .77 and .78. */
    private static ApacheStatus bulkStatus() {
        return CapturedStatus.poll(TIMES.get("file-bulk-server-status.html+auto.txt-requested"),
                "phpmail/file-bulk-server-status-auto.txt", "phpmail/file-bulk-server-status.html", null);
    }

    private static PhpMail mail(long ts, String script, String subject, String... recipients) {
        return new PhpMail("vm", "php-mail-log", ts, Schema.VERSION, script, 7, PhpMail.Origin.FILE, List.of(recipients), subject, null, null);
    }
}
