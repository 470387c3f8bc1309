package dev.culprit.collectors.phpmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.ParseResult;
import dev.culprit.events.PhpMail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lines PHP 8.2 wrote for mail() calls that hide recipients (scripts/capture/php-mail-recipients.sh):
 * every recipient an MTA reading the message with -t would deliver to is counted, as EXPECTED.txt
 * works them out from the messages sendmail_path received.
 */
class HiddenRecipientsCaptureTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/phpmail-recipients");
    private static final PhpMailLineParser PARSER =
            new PhpMailLineParser(ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-12-01T23:30:00Z"), ZoneOffset.UTC));

    @Test
    void groupsFakeSubjectsFoldsEncodingsAndOddCaseHideNoRecipient() throws IOException {
        List<String> lines = Files.readAllLines(CAPTURED.resolve("mail-log.txt"), StandardCharsets.UTF_8);
        List<String[]> expected = Files.readAllLines(CAPTURED.resolve("EXPECTED.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#")).map(l -> l.split("\t")).toList();
        assertThat(lines).hasSameSizeAs(expected).isNotEmpty();

        for (int n = 0; n < lines.size(); n++) {
            PhpMail mail = mail(lines.get(n));
            assertThat(mail.recipients()).as("call %s: %s", expected.get(n)[0], expected.get(n)[2])
                    .hasSize(Integer.parseInt(expected.get(n)[1]))
                    .contains("a@example.com");
        }
    }

    @Test
    void theSubjectIsPhpsOwnNotTheOnePlantedInAHeader() throws IOException {
        String line = Files.readAllLines(CAPTURED.resolve("mail-log.txt"), StandardCharsets.UTF_8).get(1);

        PhpMail mail = mail(line);

        assertThat(mail.subject()).isEqualTo("Fake subject split");
        assertThat(mail.recipients()).containsExactlyInAnyOrder("a@example.com", "c1@example.org", "c2@example.org");
    }

    private static PhpMail mail(String line) {
        ParseResult result = PARSER.parse("web1", line);
        assertThat(result).as(line).isInstanceOf(ParseResult.Parsed.class);
        return (PhpMail) ((ParseResult.Parsed) result).event();
    }
}
