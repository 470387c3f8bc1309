package dev.culprit.collectors.phpmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.ParseResult;
import dev.culprit.testkit.LineMutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser gives what the regular expressions it replaced gave (issue 14), for
 * real lines, fuzzed ones and every corner of PHP's date: same event, same refusal, same reason.
 */
class PhpMailRegexParityTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneId.of("UTC"));
    /** What the headers and caller are built of, to make the header scan and the caller's cases meet. */
    private static final String[] PIECES = {" To: ", " Bcc: ", " cC: ", " From: ", " X-Mailer: ", " content-type: ",
        " undisclosed-recipients: ", " Resent-To: ", " Reply-To: ", "; ", ";", ",", " <", ">", "@", "a@b.c", " -- Subject: ",
        " -- Headers: ", "]: To: ", ") : eval()'d code", "(12", ":99", ":1234567890", "\t", "\u000B", "\u0001", "\u2003",
        "\u00A0", "Σ", "İ", "ΑΣ@Σ", "\uD800", " ", "  "};

    @Test
    void realAndFuzzedLinesParseAsTheRegexParserParsedThem() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("phpmail/file-mail-log.txt", "phpmail/syslog-syslog-traditional.txt",
                "phpmail/syslog-syslog-rfc3339.txt", "phpmail/syslog-syslog-debian-default.txt",
                "phpmail-recipients/mail-log.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        // the zone only matters to traditional syslog lines, whose corners SyslogPrefixRegexParityTest covers
        PhpMailLineParser hand = new PhpMailLineParser(ZoneId.of("Europe/Berlin"), CLOCK);
        RegexPhpMailLineParser regex = new RegexPhpMailLineParser(ZoneId.of("Europe/Berlin"), CLOCK);
        for (String line : real) {
            assertThat(hand.parse("vm", line)).as(line).isEqualTo(regex.parse("vm", line));
        }
        LineMutations mutations = new LineMutations(real, 20261203L);
        Random random = new Random(20261203L);
        for (int i = 0; i < 20_000; i++) {
            String line = i % 2 == 0 ? mutations.next() : salted(real.get(random.nextInt(real.size())), random);
            ParseResult expected = regex.parse("vm", line);
            assertThat(hand.parse("vm", line)).as("line %d: %s", i, LineMutations.abbreviated(line)).isEqualTo(expected);
        }
    }

    @Test
    void everyCornerOfTheDateIsReadAsLocalDateTimeParseReadIt() {
        PhpMailLineParser hand = new PhpMailLineParser(ZoneId.of("UTC"), CLOCK);
        RegexPhpMailLineParser regex = new RegexPhpMailLineParser(ZoneId.of("UTC"), CLOCK);
        String mail = " mail() on [/var/www/x.php:3]: To: a@example.com -- Headers: From: b@example.com";
        // the ends of months, leap days, and the days Berlin's clocks changed in 2024, 2025 and 2100
        for (String day : List.of("00", "01", "09", "10", "25", "26", "27", "28", "29", "30", "31", "32", "99")) {
            for (String month : List.of("Jan", "Feb", "Mar", "Apr", "Sep", "Oct", "Nov", "Dec", "Foo")) {
                for (String year : List.of("0000", "0001", "2024", "2025", "2100", "9999")) {
                    // 02:30 falls in Berlin's gap or overlap on the days its clocks change
                    for (String time : List.of("00:00:00", "02:30:00", "23:59:59", "24:00:00", "24:00:01", "24:01:00", "25:00:00",
                            "12:60:00", "12:00:60", "99:99:99")) {
                        for (String zone : List.of("UTC", "Europe/Berlin", "+01:00", "GMT+2", "Z", "Nowhere/Zone", "-19:00")) {
                            String line = "[" + day + "-" + month + "-" + year + " " + time + " " + zone + "]" + mail;
                            assertThat(hand.parse("vm", line)).as(line).isEqualTo(regex.parse("vm", line));
                        }
                    }
                }
            }
        }
    }

    @Test
    void headersMadeOfEveryKindOfNameValueAndGapGiveTheSameRecipients() {
        PhpMailLineParser hand = new PhpMailLineParser(ZoneId.of("UTC"), CLOCK);
        RegexPhpMailLineParser regex = new RegexPhpMailLineParser(ZoneId.of("UTC"), CLOCK);
        List<String> names = List.of("To:", "bcc:", "Cc:", "Resent-Bcc:", "From:", "X-A:", "group:", "Subject-Line:",
                "list-id:", "resent-date:", "-:", "To :", ":");
        List<String> values = List.of("", "a@b.c", "A <A@B.C>", "a@b.c;", "a@b.c ;\u2003", "a@b.c;\u001C", "a@b.c;\u00A0",
                "@a.b;", "@a.b, c@d.e;", "g: a@b.c, d@e.f;", "<a@b.c", "a@b.c>", "<>@", "\u0001a@b.c", "ΑΣ@Σ", "x@Σ y",
                "a@b.c,,;b@c.d", " \t a@b.c \t ", "<\u0001 A@B.C\u0001>");
        List<String> gaps = List.of(" ", "  ", "\t", "\u2003", "\u000B", "");
        Random random = new Random(20261203L);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder headers = new StringBuilder();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                headers.append(names.get(random.nextInt(names.size()))).append(gaps.get(random.nextInt(gaps.size())))
                        .append(values.get(random.nextInt(values.size()))).append(gaps.get(random.nextInt(gaps.size())));
            }
            String line = "mail() on [/x.php:1]: To: " + values.get(random.nextInt(values.size())) + " -- Headers: " + headers
                    + (random.nextBoolean() ? "" : " -- Subject: s");
            assertThat(hand.parse("vm", line)).as(line).isEqualTo(regex.parse("vm", line));
        }
    }

    /** A real line with pieces of header syntax put in, or characters swapped for digits and syntax. */
    static String salted(String line, Random random) {
        StringBuilder s = new StringBuilder(line);
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            int at = random.nextInt(s.length() + 1);
            if (random.nextBoolean()) {
                s.insert(at, PIECES[random.nextInt(PIECES.length)]);
            } else if (at < s.length()) {
                s.setCharAt(at, "0123456789 :-+.TZ[]".charAt(random.nextInt(19)));
            }
        }
        return s.toString();
    }
}
