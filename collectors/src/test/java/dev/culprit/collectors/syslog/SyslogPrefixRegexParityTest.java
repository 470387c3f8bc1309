package dev.culprit.collectors.syslog;

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
 * The hand-written prefix reader gives what the regular expressions it replaced gave (issue 14):
 * for real syslog lines, fuzzed ones and every corner of both formats' dates, times and tags.
 */
class SyslogPrefixRegexParityTest {

    /** Digits and the syntax of the prefix, which real lines are salted with. */
    private static final String SYNTAX = "0123456789 :-+.TZ[]\t";

    private static final Path CAPTURED = Path.of("src/test/resources/captured");
    private static final String REST = " vm mod_evasive[8103]: Blacklisting address 127.0.0.67: possible DoS attack.";

    @Test
    void realAndFuzzedLinesReadAsTheRegexReaderReadThem() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("phpmail/syslog-syslog-traditional.txt", "phpmail/syslog-syslog-rfc3339.txt",
                "evasive/run1-writable-syslog-traditional.txt", "evasive/run1-writable-syslog-rfc3339.txt",
                "evasive/run2-not-writable-syslog-debian-default.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneId.of("UTC"));
        for (String zone : List.of("UTC", "Europe/Berlin")) {
            SyslogPrefix hand = new SyslogPrefix(ZoneId.of(zone), clock);
            RegexSyslogPrefix regex = new RegexSyslogPrefix(ZoneId.of(zone), clock);
            LineMutations mutations = new LineMutations(real, 20261203L);
            Random random = new Random(20261203L);
            for (int i = 0; i < 25_000; i++) {
                String line = i % 2 == 0 ? mutations.next() : LineMutations.salted(real.get(random.nextInt(real.size())), SYNTAX, random);
                assertThat(hand.parse(line)).as("line %d: %s", i, LineMutations.abbreviated(line)).isEqualTo(regex.parse(line));
            }
        }
    }

    @Test
    void everyCornerOfAnRfc3339StampIsReadAsOffsetDateTimeParseReadIt() {
        SyslogPrefix hand = new SyslogPrefix(ZoneId.of("UTC"), Clock.systemUTC());
        RegexSyslogPrefix regex = new RegexSyslogPrefix(ZoneId.of("UTC"), Clock.systemUTC());
        for (String date : List.of("2026-00-10", "2026-01-00", "2026-01-31", "2026-01-32", "2026-02-29", "2024-02-29",
                "2026-04-31", "2026-12-31", "2026-13-01", "0000-01-01", "9999-12-31")) {
            for (String time : List.of("00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "99:99:99")) {
                for (String fraction : List.of("", ".", ".5", ".164", ".164332", ".123456789", ".1234567890", ".x")) {
                    for (String offset : List.of("Z", "z", "+00:00", "-00:00", "+05:30", "-18:00", "+18:00", "+18:01",
                            "+00:60", "+19:00", "+99:99", "+0100", "")) {
                        String line = date + "T" + time + fraction + offset + REST;
                        assertThat(hand.parse(line)).as(line).isEqualTo(regex.parse(line));
                    }
                }
            }
        }
    }

    @Test
    void everyCornerOfATraditionalStampIsReadAsBefore() {
        for (String now : List.of("2026-11-29T21:00:00Z", "2027-01-01T00:00:05Z", "2026-12-31T23:59:55Z", "2027-03-01T00:00:00Z")) {
            for (String zone : List.of("UTC", "Europe/Berlin", "Pacific/Kiritimati")) {
                Clock clock = Clock.fixed(Instant.parse(now), ZoneId.of("UTC"));
                SyslogPrefix hand = new SyslogPrefix(ZoneId.of(zone), clock);
                RegexSyslogPrefix regex = new RegexSyslogPrefix(ZoneId.of(zone), clock);
                for (String month : List.of("Jan", "Feb", "Mar", "Oct", "Nov", "Dec", "Foo", "JAN", "jan")) {
                    for (String day : List.of(" 0", " 1", "01", " 9", "00", "28", "29", "30", "31", "32", "99", "1 ", "x1")) {
                        for (String time : List.of("00:00:00", "00:00:10", "02:30:00", "03:00:00", "23:59:59", "24:00:00",
                                "12:60:00", "12:00:60")) {
                            String line = month + " " + day + " " + time + REST;
                            assertThat(hand.parse(line)).as(now + " " + zone + ": " + line).isEqualTo(regex.parse(line));
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyShapeOfHostAndTagIsReadAsBefore() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneId.of("UTC"));
        SyslogPrefix hand = new SyslogPrefix(ZoneId.of("UTC"), clock);
        RegexSyslogPrefix regex = new RegexSyslogPrefix(ZoneId.of("UTC"), clock);
        for (String head : List.of("Nov 29 20:39:39", "2026-11-29T20:39:39.164332+00:00")) {
            for (String host : List.of("vm", "", " vm", "v\tm", "vm\n", "ü", "v:m")) {
                for (String tag : List.of("", "php", "mod_evasive", "a b", "ü漢", "t\u0000", "[x", "x]", "-", ":")) {
                    for (String pid : List.of("", "[1]", "[123456789]", "[1234567890]", "[]", "[x]", "[1", "[1]x", "[-1]")) {
                        for (String colon : List.of(":", ": ", ":  ", "", " :", "::")) {
                            for (String message : List.of("", "msg", "a\nb", " x")) {
                                String line = head + " " + host + " " + tag + pid + colon + message;
                                assertThat(hand.parse(line)).as(line).isEqualTo(regex.parse(line));
                            }
                        }
                    }
                }
            }
        }
    }
}
