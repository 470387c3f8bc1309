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
    void aCulpritsNameAndDetailsAreCutWhereverItIsMade() {
        String longUrl = "/" + "x".repeat(50_000);
        Culprit url = new Culprit("url", longUrl, Map.of("requests", 5.0), Map.of("example", longUrl));

        assertThat(url.name()).hasSizeBetween(FieldLimit.NAME - 5, FieldLimit.NAME).startsWith("/xxx").contains("more characters]");
        assertThat(url.details().get("example")).hasSizeLessThanOrEqualTo(FieldLimit.NAME).endsWith(" more characters]");
    }
}
