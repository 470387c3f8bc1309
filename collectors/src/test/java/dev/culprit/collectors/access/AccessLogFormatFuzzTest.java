package dev.culprit.collectors.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.culprit.testkit.LineMutations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessLogFormatFuzzTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/access");

    @Test
    void noLineMakesAFormatThrowOrPassOnAControlCharacterOrAnUnboundedField() throws IOException {
        List<String> real = new ArrayList<>();
        for (String file : List.of("combined-access.txt", "vhost-combined-access.txt", "common-access.txt", "custom-access.txt")) {
            real.addAll(Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8));
        }
        List<AccessLogFormat> formats = Stream.of(AccessLogFormat.COMBINED, AccessLogFormat.VHOST_COMBINED, AccessLogFormat.COMMON,
                "%a %A %{msec}t %>s %B %D %T \\\"%r\\\" %v", "%a %{usec}t %m %U%q %s \\\"%{User-Agent}i\\\"")
                .map(AccessLogFormat::compile).toList();
        LineMutations lines = new LineMutations(real, 20261202L);

        for (int i = 0; i < 250_000; i++) {
            String line = lines.next();
            for (AccessLogFormat format : formats) {
                try {
                    if (format.read(line) instanceof AccessLogFormat.Request request) {
                        assertBounded(request.line());
                    }
                } catch (Throwable t) {
                    fail("line " + i + " (" + line.length() + " chars) with " + format + ": " + LineMutations.abbreviated(line), t);
                }
            }
        }
    }

    private static void assertBounded(AccessLogLine line) {
        for (String text : new String[] {line.client(), line.vhost(), line.method(), line.path()}) {
            if (text != null) {
                assertThat(text).doesNotContainPattern("\\p{Cc}").hasSizeLessThanOrEqualTo(AccessLogFormat.MAX_PATH);
            }
        }
        assertThat(line.client().length()).isLessThanOrEqualTo(253);
        if (line.vhost() != null) {
            assertThat(line.vhost().length()).isLessThanOrEqualTo(AccessLogFormat.MAX_VHOST);
        }
        assertThat(line.status()).isBetween(100, 599);
        assertThat(line.bytes()).isNotNegative();
    }
}
