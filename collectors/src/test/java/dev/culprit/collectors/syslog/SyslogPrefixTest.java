package dev.culprit.collectors.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SyslogPrefixTest {

    private static final String BLACKLISTING = " vm mod_evasive[8103]: Blacklisting address 127.0.0.67: possible DoS attack.";

    private static SyslogPrefix at(String now) {
        return new SyslogPrefix(ZoneOffset.UTC, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private static Instant tsOf(SyslogPrefix prefix, String line) {
        return Instant.ofEpochMilli(prefix.parse(line).orElseThrow().ts());
    }

    @Test
    void traditionalLineGivesItsPartsAndThisYear() {
        SyslogLine line = at("2026-11-29T21:00:00Z").parse("Nov 29 20:39:39" + BLACKLISTING).orElseThrow();

        assertThat(line).isEqualTo(new SyslogLine(Instant.parse("2026-11-29T20:39:39Z").toEpochMilli(), "vm",
                "mod_evasive", 8103, "Blacklisting address 127.0.0.67: possible DoS attack."));
    }

    @Test
    void rfc3339LineKeepsItsMicrosecondsAsMillisAndItsOwnOffset() {
        SyslogPrefix berlin = new SyslogPrefix(ZoneId.of("Europe/Berlin"), Clock.systemUTC());

        assertThat(tsOf(berlin, "2026-11-29T20:39:39.164332+00:00" + BLACKLISTING))
                .isEqualTo(Instant.parse("2026-11-29T20:39:39.164Z"));
    }

    @Test
    void aLineFromLateDecemberReadInJanuaryIsLastYears() {
        assertThat(tsOf(at("2027-01-01T00:00:05Z"), "Dec 31 23:59:59" + BLACKLISTING))
                .isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
    }

    @Test
    void aLineSlightlyAheadOfOurClockStaysInThisYear() {
        assertThat(tsOf(at("2026-12-31T23:59:55Z"), "Jan  1 00:00:10" + BLACKLISTING))
                .isEqualTo(Instant.parse("2027-01-01T00:00:10Z"));
        assertThat(tsOf(at("2027-01-01T00:00:05Z"), "Jan  1 00:00:10" + BLACKLISTING))
                .isEqualTo(Instant.parse("2027-01-01T00:00:10Z"));
    }

    @Test
    void aLineFromTheFutureIsFromLastYear() {
        assertThat(tsOf(at("2026-11-29T21:00:00Z"), "Dec 25 10:00:00" + BLACKLISTING))
                .isEqualTo(Instant.parse("2025-12-25T10:00:00Z"));
    }

    @Test
    void february29thIsTheLastLeapYears() {
        assertThat(tsOf(at("2027-03-01T00:00:00Z"), "Feb 29 12:00:00" + BLACKLISTING))
                .isEqualTo(Instant.parse("2024-02-29T12:00:00Z"));
    }

    @Test
    void phpLogsWithoutPidAndSomeLinesHaveNoTag() {
        SyslogPrefix prefix = at("2026-11-29T21:00:00Z");

        SyslogLine php = prefix.parse("Nov 29 20:40:44 vm php: mail() on [/var/www/html/contact.php:6]: To: x").orElseThrow();
        assertThat(php.tag()).isEqualTo("php");
        assertThat(php.pid()).isNull();
        assertThat(php.message()).isEqualTo("mail() on [/var/www/html/contact.php:6]: To: x");

        SyslogLine untagged = prefix.parse("Nov  1 20:40:44 vm -- MARK --").orElseThrow();
        assertThat(untagged.tag()).isEmpty();
        assertThat(untagged.message()).isEqualTo("-- MARK --");
    }

    @Test
    void otherFormatsAndImpossibleDatesAreNotSyslog() {
        SyslogPrefix prefix = at("2026-11-29T21:00:00Z");

        assertThat(prefix.parse("[Sun Nov 29 20:39:39.164413 2026] [evasive20:error] [pid 8103:tid 8103]")).isEmpty();
        assertThat(prefix.parse("Nov 31 20:39:39" + BLACKLISTING)).isEmpty();
        assertThat(prefix.parse("Xyz 29 20:39:39" + BLACKLISTING)).isEmpty();
        assertThat(prefix.parse("2026-13-29T20:39:39.164332+00:00" + BLACKLISTING)).isEmpty();
        assertThat(prefix.parse("")).isEmpty();
    }
}
