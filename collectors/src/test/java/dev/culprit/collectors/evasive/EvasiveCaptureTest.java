package dev.culprit.collectors.evasive;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.summingLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.culprit.collectors.ParseResult;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.EvasiveEvent.Kind;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole of evasive.sh's capture through the parser and the edge aggregation, as a collector would run it. */
class EvasiveCaptureTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/evasive");
    private static final EvasiveLineParser PARSER =
            new EvasiveLineParser(ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneOffset.UTC));
    private static final DenialAggregation AGGREGATION = new DenialAggregation();

    @Test
    void run1AttackersAreDeniedAndBlacklistedWithExactCountsAndTheLegitClientNeverShows() throws IOException {
        List<EvasiveEvent> events = new ArrayList<>();
        events.addAll(aggregated(parseAll("run1-writable-apache-error.txt")));
        events.addAll(aggregated(parseAll("run1-writable-syslog-traditional.txt")));

        // grep -c 'client 127.0.0.66:' run1-writable-apache-error.txt → 1743; .67 → 1458; .68 → 1014
        assertThat(deniedPerClient(events)).containsExactlyInAnyOrderEntriesOf(
                Map.of("127.0.0.66", 1743L, "127.0.0.67", 1458L, "127.0.0.68", 1014L));
        assertThat(events).filteredOn(e -> e.kind() == Kind.BLACKLISTED)
                .extracting(EvasiveEvent::client, EvasiveEvent::detail)
                .containsExactlyInAnyOrder(
                        tuple("127.0.0.67", "child pid 8103"),
                        tuple("127.0.0.66", "child pid 8099"),
                        tuple("127.0.0.68", "child pid 8098"));
        assertThat(events).extracting(EvasiveEvent::client).doesNotContain("127.0.0.10");
        assertThat(events).noneMatch(e -> e.kind() == Kind.MISCONFIGURED);
    }

    @Test
    void aDosCostsOneEventPerAttackerPerFilePerSecond() throws IOException {
        List<EvasiveEvent> denials = aggregated(parseAll("run1-writable-apache-error.txt"));

        // .66 hit wp-login.php in 14 distinct seconds, .67 culprit-contact.php in 11
        // (grep 'client 127.0.0.66:' ... | cut -c1-20 | sort -u | wc -l); .68 never asked for a page twice.
        assertThat(denials).filteredOn(e -> e.client().equals("127.0.0.66"))
                .hasSize(14).allMatch(e -> e.path().equals("/var/www/html/wp-login.php"));
        assertThat(denials).filteredOn(e -> e.client().equals("127.0.0.67"))
                .hasSize(11).allMatch(e -> e.path().equals("/var/www/html/culprit-contact.php"));
        assertThat(denials).filteredOn(e -> e.client().equals("127.0.0.68")).hasSize(1014);
    }

    @Test
    void countsStayExactWhenASecondIsSplitAcrossPolls() throws IOException {
        List<Event> parsed = parseAll("run1-writable-apache-error.txt");
        List<EvasiveEvent> events = new ArrayList<>();
        for (int from = 0; from < parsed.size(); from += 500) {
            events.addAll(aggregated(parsed.subList(from, Math.min(parsed.size(), from + 500))));
        }

        assertThat(deniedPerClient(events)).containsExactlyInAnyOrderEntriesOf(
                Map.of("127.0.0.66", 1743L, "127.0.0.67", 1458L, "127.0.0.68", 1014L));
    }

    @Test
    void run2UnwritableDosLogDirIsOneMisconfigurationPerBatchWithTheExactCount() throws IOException {
        for (String syslog : List.of("run2-not-writable-syslog-traditional.txt", "run2-not-writable-syslog-rfc3339.txt",
                "run2-not-writable-syslog-debian-default.txt")) {
            List<EvasiveEvent> events = aggregated(parseAll(syslog));

            // grep -c "Couldn't open logfile" → 664 in each format, about all three attackers
            assertThat(events).as(syslog).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(Kind.MISCONFIGURED);
                assertThat(e.count()).isEqualTo(664);
                assertThat(e.detail()).isEqualTo("Couldn't open logfile /var/log/apache2/evasive/dos-<IP>: Permission denied");
                assertThat(e.client()).isNull();
            });
        }
        // mod_evasive could not write dos-<IP>, so it never said "Blacklisting"; the denials still count.
        assertThat(deniedPerClient(aggregated(parseAll("run2-not-writable-apache-error.txt"))).values().stream()
                .mapToLong(Long::longValue).sum()).isEqualTo(664);
    }

    private static Map<String, Long> deniedPerClient(List<EvasiveEvent> events) {
        return events.stream().filter(e -> e.kind() == Kind.DENIED)
                .collect(groupingBy(EvasiveEvent::client, summingLong(EvasiveEvent::count)));
    }

    private static List<EvasiveEvent> aggregated(List<Event> batch) {
        return AGGREGATION.apply(batch).stream().map(EvasiveEvent.class::cast).toList();
    }

    /** Every line must be an event: these files hold nothing but mod_evasive's lines. */
    private static List<Event> parseAll(String file) throws IOException {
        List<Event> events = new ArrayList<>();
        for (String line : Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8)) {
            ParseResult result = PARSER.parse("vm", line);
            assertThat(result).as(file + ": " + line).isInstanceOf(ParseResult.Parsed.class);
            events.add(((ParseResult.Parsed) result).event());
        }
        return events;
    }
}
