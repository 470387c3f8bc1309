package dev.culprit.events.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.AccessTally;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Culprit;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.PhpMail;
import dev.culprit.events.ProcessIoSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldLimitTest {

    @Test
    void textWithinTheLimitIsKeptAndLongerTextIsCutSayingHowMuchWent() {
        assertThat(FieldLimit.cap("/wp-login.php", 20)).isEqualTo("/wp-login.php");
        String url = "/search?q=" + "A".repeat(10_000);

        String cut = FieldLimit.cap(url, 100);

        assertThat(cut).hasSizeBetween(95, 100).startsWith("/search?q=AAAA").endsWith(" more characters]");
        int kept = cut.indexOf('…');
        assertThat(cut).endsWith("…[" + (url.length() - kept) + " more characters]");
        assertThat(FieldLimit.cap(cut, 100)).as("cutting again").isEqualTo(cut);
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String emoji = "\uD83D\uDE00".repeat(600); // 1,200 UTF-16 units, 600 characters
        for (int limit = 50; limit < 60; limit++) {
            String cut = FieldLimit.cap(emoji, limit);
            int kept = cut.indexOf('…');
            assertThat(Character.isHighSurrogate(cut.charAt(kept - 1))).as("limit %d", limit).isFalse();
            assertThat(cut.length()).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void aMailBccdToFortyThousandKeepsFiveThousandAndADeadLetterItsStart() {
        java.util.List<String> bcc = java.util.stream.IntStream.range(0, 40_000).mapToObj(i -> "u" + i + "@x.example").toList();
        dev.culprit.events.PhpMail mail = new dev.culprit.events.PhpMail("web1", "phpmail", 1, 1, "/var/www/x.php", 2,
                dev.culprit.events.PhpMail.Origin.FILE, bcc, "Offer", null, null);
        assertThat(mail.recipients()).hasSize(dev.culprit.events.PhpMail.MAX_RECIPIENTS).startsWith("u0@x.example");

        String line = "A".repeat(1 << 20);
        dev.culprit.events.DeadLetter dead = new dev.culprit.events.DeadLetter("web1", "phpmail", 1, 1, "/var/log/php/mail.log", 0,
                "too long", line);
        assertThat(dead.raw()).hasSizeLessThanOrEqualTo(FieldLimit.RAW).startsWith("AAAA").endsWith(" more characters]");
    }

    @Test
    void aCulpritsNameAndDetailsAreCutWhereverItIsMade() {
        String longUrl = "/" + "x".repeat(50_000);
        Culprit url = new Culprit("url", longUrl, Map.of("requests", 5.0), Map.of("example", longUrl));

        assertThat(url.name()).hasSizeBetween(FieldLimit.NAME - 5, FieldLimit.NAME).startsWith("/xxx").contains("more characters]");
        assertThat(url.details().get("example")).hasSizeLessThanOrEqualTo(FieldLimit.NAME).endsWith(" more characters]");
    }

    @Test
    void everyTextFieldAHostControlsIsCutInTheEventItselfAlsoWhenDecoded() {
        String hostile = "/" + "\u001b[31m".repeat(20_000); // 100,000 characters of ANSI escapes
        List<Event> events = List.of(
                new EvasiveEvent("web1", "evasive", 1, 1, EvasiveEvent.Kind.DENIED, hostile, hostile, 1, hostile, null, null),
                new PhpMail("web1", "phpmail", 1, 1, hostile, 2, PhpMail.Origin.FILE, List.of(hostile), hostile, null, null),
                new AccessTally("web1", "access", 1, 1, "/var/log/apache2/access.log", hostile, true, hostile,
                        1, 0, 1, 0, 0, 0, 10, null),
                new ApacheStatus("web1", "apache", 1, 1, "http://127.0.0.1/server-status", false, hostile, null, null, null, null,
                        null, null, List.of(new ApacheStatus.WorkerRequest(hostile, hostile, hostile, hostile, 1L))),
                new ProcessIoSample("web1", "proc", 1, 1, 42, 1L, 1, hostile, hostile, "D", 1000, 0, 0, null, 0, hostile,
                        hostile, List.of(hostile), List.of(hostile)));

        for (Event event : events) {
            String json = EventCodec.encodeToString(event);
            assertThat(json).as(event.getClass().getSimpleName()).doesNotContain("\\u001b[31m".repeat(1_000))
                    .contains("more characters]");
            // the cut is idempotent: decoding what was sent gives the event that was sent
            assertThat(EventCodec.decode(json, event.getClass())).isEqualTo(event);
        }
        EvasiveEvent denial = (EvasiveEvent) events.get(0);
        assertThat(denial.path()).hasSizeLessThanOrEqualTo(FieldLimit.NAME).startsWith("/\u001b[31m").endsWith(" more characters]");
    }
}
