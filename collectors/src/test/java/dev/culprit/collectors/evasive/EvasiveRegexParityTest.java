package dev.culprit.collectors.evasive;

import static org.assertj.core.api.Assertions.assertThat;

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
 * mod_evasive's syslog messages, read by hand, give what the regular expressions they replaced
 * gave (issue 14): for real lines, fuzzed ones and every shape of the two messages.
 */
class EvasiveRegexParityTest {

    /** Digits and the syntax of the messages, which real lines are salted with. */
    private static final String SYNTAX = "0123456789 :/.-[]\t";

    private static final Path CAPTURED = Path.of("src/test/resources/captured/evasive");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneId.of("UTC"));

    @Test
    void realAndFuzzedLinesParseAsTheRegexParserParsedThem() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("run1-writable-syslog-traditional.txt", "run1-writable-syslog-rfc3339.txt",
                "run2-not-writable-syslog-traditional.txt", "run2-not-writable-syslog-rfc3339.txt",
                "run1-writable-apache-error.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        EvasiveLineParser hand = new EvasiveLineParser(ZoneId.of("Europe/Berlin"), CLOCK);
        RegexEvasiveLineParser regex = new RegexEvasiveLineParser(ZoneId.of("Europe/Berlin"), CLOCK);
        LineMutations mutations = new LineMutations(real, 20261203L);
        Random random = new Random(20261203L);
        for (int i = 0; i < 50_000; i++) {
            String line = i % 2 == 0 ? mutations.next() : LineMutations.salted(real.get(random.nextInt(real.size())), SYNTAX, random);
            assertThat(hand.parse("vm", line)).as("line %d: %s", i, LineMutations.abbreviated(line)).isEqualTo(regex.parse("vm", line));
        }
    }

    @Test
    void everyShapeOfTheTwoMessagesParsesAsBefore() {
        EvasiveLineParser hand = new EvasiveLineParser(ZoneId.of("UTC"), CLOCK);
        RegexEvasiveLineParser regex = new RegexEvasiveLineParser(ZoneId.of("UTC"), CLOCK);
        List<String> messages = new ArrayList<>();
        for (String address : List.of("", "127.0.0.67", "::1", "fe80::1%eth0", "x", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\t5",
                "a:b", "1.2.3.4:", "é")) {
            for (String end : List.of(": possible DoS attack.", ": possible DoS attack", ": possible DoS attack.x", "")) {
                messages.add("Blacklisting address " + address + end);
            }
        }
        for (String dir : List.of("", "/", "x/", "/var/log/apache2/evasive/", "a b/c:d/", "//", "/a\n/")) {
            for (String file : List.of("", "dos-", "dos-127.0.0.66", "dos-::1", "dos-x", "do", "dos", "dos-1.2.3.4 ", "f:g")) {
                for (String reason : List.of(": Permission denied", ": ", ":", ": a/b", ": a:b", "", ": x: y", ":x")) {
                    messages.add("Couldn't open logfile " + dir + file + reason);
                }
            }
        }
        for (String head : List.of("Nov 29 20:40:19 vm mod_evasive[8548]: ", "2026-11-29T20:40:19.505927+00:00 vm mod_evasive: ")) {
            for (String message : messages) {
                String line = head + message;
                assertThat(hand.parse("vm", line)).as(line).isEqualTo(regex.parse("vm", line));
            }
        }
    }
}
