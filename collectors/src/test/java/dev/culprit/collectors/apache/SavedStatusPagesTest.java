package dev.culprit.collectors.apache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Event;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status pages scripts/capture/apache-status.sh saved, read one-shot at the times they were read. */
class SavedStatusPagesTest {

    private static final Path CAPTURED = Path.of("src/test/resources/captured/apache");

    @TempDir
    Path dir;

    private static List<ApacheStatus> read(Path pages) throws IOException {
        List<ApacheStatus> statuses = new ArrayList<>();
        ApacheStatusPoller poller = new ApacheStatusPoller("web1",
                ApacheStatusSettings.of(URI.create("http://127.0.0.1/server-status")), Map.of(), Clock.systemUTC());
        new SavedStatusPages(pages, poller).readToEnd((events, positions) -> {
            events.forEach(e -> statuses.add((ApacheStatus) e));
            return true;
        });
        return statuses;
    }

    @Test
    void eachAutoPageIsOneReadAtItsResponseTimeWithTheHtmlPageReadWithIt() throws IOException {
        List<String[]> listed = Files.readAllLines(CAPTURED.resolve("times.txt")).stream()
                .filter(l -> !l.startsWith("#")).map(l -> l.split("\t")).toList();

        List<ApacheStatus> statuses = read(CAPTURED);

        assertThat(statuses).extracting(Event::ts).containsExactlyElementsOf(listed.stream()
                .filter(f -> !f[0].endsWith(".html")).map(f -> Long.parseLong(f[2])).toList());
        assertThat(statuses).allSatisfy(s -> {
            assertThat(s.reachable()).isTrue();
            assertThat(s.server()).isEqualTo("http://127.0.0.1/server-status");
        });
        // prefork under load: the first read has the worker table read after it, naming the slow clients
        ApacheStatus preforkLoad = statuses.get(1);
        assertThat(preforkLoad.workers()).extracting(ApacheStatus.WorkerRequest::client).contains("127.0.0.21");
        // the second read ~3 s later has a request rate over those 3 s; reads without a page after them have no table
        ApacheStatus preforkLoadAgain = statuses.get(2);
        assertThat(preforkLoadAgain.requestsPerSec()).isPositive();
        assertThat(preforkLoadAgain.workers()).isEmpty();
    }

    @Test
    void onlyTheTimesFileOfApacheStatusShMakesADirectoryOfSavedPages() throws IOException {
        assertThat(SavedStatusPages.isSaved(CAPTURED)).isTrue();
        assertThat(SavedStatusPages.isSaved(Path.of("src/test/resources/captured/evasive"))).as("times of events").isFalse();
        assertThat(SavedStatusPages.isSaved(dir)).isFalse();
    }
}
