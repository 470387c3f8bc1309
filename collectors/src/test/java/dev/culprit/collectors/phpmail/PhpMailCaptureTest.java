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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The whole of php-mail.sh's capture, in both mail.log modes. */
class PhpMailCaptureTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/phpmail");
    private static final String BULK_MAILER = "/var/www/html/wp-content/uploads/2024/05/x.php";
    private static final PhpMailLineParser PARSER =
            new PhpMailLineParser(ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneOffset.UTC));

    @Test
    void mailLogFileHasNoDeadLettersAndTheBulkMailerSent200Mails() throws IOException {
        List<PhpMail> mails = parseAll("file-mail-log.txt");

        assertThat(mails).hasSize(211);
        // grep -c x.php file-mail-log.txt → 200: 2 rounds x 2 clients x 50
        List<PhpMail> bulk = mails.stream().filter(m -> m.script().equals(BULK_MAILER)).toList();
        assertThat(bulk).hasSize(200).allSatisfy(m -> {
            assertThat(m.line()).isEqualTo(25);
            assertThat(m.origin()).isEqualTo(PhpMail.Origin.FILE);
            // two in To, one Cc, three Bcc
            assertThat(m.recipients()).hasSize(6);
        });
        assertThat(bulk).extracting(PhpMail::subject).containsOnly(
                "Your account has been suspended", "Invoice #44871 overdue - action required", "You have (1) new voicemail");
        assertThat(bulk).extracting(PhpMail::ts).allMatch(ts -> ts >= Instant.parse("2026-11-29T20:40:37Z").toEpochMilli()
                && ts <= Instant.parse("2026-11-29T20:40:43Z").toEpochMilli());
    }

    @Test
    void syslogModeHasNoDeadLettersInAnyFormat() throws IOException {
        for (String file : List.of("syslog-syslog-traditional.txt", "syslog-syslog-rfc3339.txt", "syslog-syslog-debian-default.txt")) {
            List<PhpMail> mails = parseAll(file);

            assertThat(mails).as(file).hasSize(31);
            // phase 2 ran one round: 2 clients x 10
            assertThat(mails).as(file).filteredOn(m -> m.script().equals(BULK_MAILER)).hasSize(20);
            assertThat(mails).as(file).extracting(PhpMail::origin)
                    .containsOnly(PhpMail.Origin.FILE, PhpMail.Origin.EVAL, PhpMail.Origin.COMMAND_LINE);
        }
    }

    private static List<PhpMail> parseAll(String file) throws IOException {
        List<PhpMail> mails = new ArrayList<>();
        for (String line : Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8)) {
            ParseResult result = PARSER.parse("vm", line);
            assertThat(result).as(file + ": " + line).isInstanceOf(ParseResult.Parsed.class);
            mails.add((PhpMail) ((ParseResult.Parsed) result).event());
        }
        return mails;
    }
}
