package dev.culprit.collectors.evasive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.culprit.collectors.ParseResult;
import dev.culprit.testkit.LineMutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvasiveLineParserFuzzTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/evasive");

    @Test
    void noLineMakesTheParserThrow() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("run1-writable-apache-error.txt", "run1-writable-syslog-traditional.txt",
                "run1-writable-syslog-rfc3339.txt", "run2-not-writable-syslog-traditional.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        EvasiveLineParser parser = new EvasiveLineParser(ZoneId.of("Europe/Berlin"), Clock.systemUTC());
        LineMutations lines = new LineMutations(real, 20261129L);

        for (int i = 0; i < 250_000; i++) {
            String line = lines.next();
            try {
                assertThat(parser.parse("vm", line)).isInstanceOf(ParseResult.class);
            } catch (Throwable t) {
                fail("line " + i + " (" + line.length() + " chars) threw: " + LineMutations.abbreviated(line), t);
            }
        }
    }
}
