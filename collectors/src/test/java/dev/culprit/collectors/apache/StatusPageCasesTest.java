package dev.culprit.collectors.apache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases: each directory under {@code cases/apache/} names a real status page under
 * {@code captured/} (file {@code page}: a {@code ?auto} text or an ExtendedStatus HTML page) and
 * holds {@code expected.json}, what a reader of that page sees in it. Adding a case is adding files.
 */
class StatusPageCasesTest {

    private static final Path CASES = Path.of("src/test/resources/cases/apache");
    private static final Path CAPTURED = Path.of("src/test/resources/captured");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            List<Path> found = dirs.filter(Files::isDirectory).sorted().toList();
            assertThat(found).as("case directories under " + CASES).isNotEmpty();
            return found.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pageReadsAsExpected(Path dir) throws IOException {
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());

        // Through text, so 5 read as a long and 5 read from expected.json compare equal.
        JsonNode actual = JSON.readTree(JSON.writeValueAsString(read(dir)));

        assertThat(actual).as(dir.getFileName().toString()).isEqualTo(expected);
    }

    private static Object read(Path dir) throws IOException {
        Path page = CAPTURED.resolve(Files.readString(dir.resolve("page")).trim());
        assertThat(page).as("the captured page a case names").exists();
        if (page.toString().endsWith(".html")) {
            return Map.of("workers", ExtendedStatusParser.parse(Files.readString(page)));
        }
        return asShown(ServerStatusParser.parse(Files.readString(page)));
    }

    private static Map<String, Object> asShown(AutoStatus status) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("serverName", status.serverName());
        shown.put("restartTime", status.restartTime());
        shown.put("uptimeSeconds", status.uptimeSeconds());
        shown.put("totalAccesses", status.totalAccesses());
        shown.put("totalKBytes", status.totalKBytes());
        shown.put("busyWorkers", status.busyWorkers());
        shown.put("idleWorkers", status.idleWorkers());
        shown.put("scoreboard", status.scoreboard().byLabel());
        return shown;
    }
}
