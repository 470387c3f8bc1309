package dev.culprit.events.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Culprit;
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
}
