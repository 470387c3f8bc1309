package dev.culprit.collectors.phpmail;

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

class PhpMailLineParserFuzzTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/phpmail");

    @Test
    void noLineMakesTheParserThrow() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("file-mail-log.txt", "syslog-syslog-traditional.txt",
                "syslog-syslog-rfc3339.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        PhpMailLineParser parser = new PhpMailLineParser(ZoneId.of("Europe/Berlin"), Clock.systemUTC());
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
