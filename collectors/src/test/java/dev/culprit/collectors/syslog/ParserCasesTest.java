package dev.culprit.collectors.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.evasive.EvasiveLineParser;
import dev.culprit.collectors.phpmail.PhpMailLineParser;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases, crowdsec-hub style: {@code cases/<parser>/<case>/input.txt} holds log lines,
 * {@code expected.jsonl} one line per input line: the event's JSON, {@code {"ignored":true}} or
 * {@code {"unparseable":"<part of the reason>"}}. An optional {@code case.properties} sets
 * {@code zone}, {@code now} (the clock) and {@code host}. Adding a case is adding files.
 */
class ParserCasesTest {

    private static final Path CASES = Path.of("src/test/resources/cases");
    private static final Map<String, BiFunction<ZoneId, Clock, LineParser>> PARSERS = Map.of(
            "evasive", EvasiveLineParser::new,
            "phpmail", PhpMailLineParser::new);

    static Stream<Named<Path>> cases() throws IOException {
        return PARSERS.keySet().stream().sorted().flatMap(parser -> {
            try (Stream<Path> dirs = Files.list(CASES.resolve(parser))) {
                return dirs.filter(Files::isDirectory).sorted().toList().stream()
                        .map(dir -> Named.of(parser + "/" + dir.getFileName(), dir));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyLineGivesWhatTheCaseExpects(Path dir) throws IOException {
        Properties settings = new Properties();
        Path properties = dir.resolve("case.properties");
        if (Files.exists(properties)) {
            try (Reader in = Files.newBufferedReader(properties)) {
                settings.load(in);
            }
        }
        ZoneId zone = ZoneId.of(settings.getProperty("zone", "UTC"));
        Clock clock = Clock.fixed(Instant.parse(settings.getProperty("now", "2026-11-29T21:00:00Z")), zone);
        String host = settings.getProperty("host", "vm");
        LineParser parser = PARSERS.get(dir.getParent().getFileName().toString()).apply(zone, clock);

        List<String> input = Files.readAllLines(dir.resolve("input.txt"), StandardCharsets.UTF_8);
        List<String> expected = Files.readAllLines(dir.resolve("expected.jsonl"), StandardCharsets.UTF_8);
        assertThat(expected).as("expected.jsonl has one line per input line").hasSameSizeAs(input);
        for (int i = 0; i < input.size(); i++) {
            String where = dir.getFileName() + " line " + (i + 1) + ": " + input.get(i);
            JsonNode want = EventCodec.mapper().readTree(expected.get(i));
            ParseResult got = parser.parse(host, input.get(i));
            if (want.has("ignored")) {
                assertThat(got).as(where).isInstanceOf(ParseResult.Ignored.class);
            } else if (want.has("unparseable")) {
                assertThat(got).as(where).isInstanceOf(ParseResult.Unparseable.class);
                assertThat(((ParseResult.Unparseable) got).reason()).as(where).contains(want.get("unparseable").asText());
            } else {
                assertThat(got).as(where).isInstanceOf(ParseResult.Parsed.class);
                Event event = ((ParseResult.Parsed) got).event();
                // decoded as an event, so that the place of the line (the reader's to stamp, null here) need not be spelled out
                assertThat(event).as(where).isEqualTo(EventCodec.decode(expected.get(i), event.getClass()));
            }
        }
    }
}
