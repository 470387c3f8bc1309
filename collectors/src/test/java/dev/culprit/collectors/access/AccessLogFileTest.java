package dev.culprit.collectors.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.AccessTally;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogFileTest {

    private static final String GARBAGE = "this is not an access-log line\u0007";

    @TempDir
    Path dir;

    @Test
    void theLiveRotatedAndCompressedLogGiveTheSameTalliesInTheLogsOwnTime() throws IOException {
        byte[] captured = Files.readAllBytes(AccessLogCaptureTest.CAPTURED.resolve("combined-access.txt"));
        byte[] withGarbage = (new String(captured, StandardCharsets.UTF_8) + GARBAGE + "\n"
                + "::1 - - [01/Jan/2030:00:00:00 +0100] \"GET /last HTTP/1.1\" 200 7 \"-\" \"-\"").getBytes(StandardCharsets.UTF_8);
        Path live = Files.write(dir.resolve("access.log"), withGarbage);
        Path rotated = Files.write(dir.resolve("access.log.1"), withGarbage);
        Path compressed = dir.resolve("access.log.2.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(compressed))) {
            out.write(withGarbage);
        }

        List<AccessLogLine> capturedLines = AccessLogCaptureTest.readAll("combined-access.txt", AccessLogFormat.compile(AccessLogFormat.COMBINED));
        AccessLogLine lastCaptured = capturedLines.get(capturedLines.size() - 1);
        List<List<Long>> counts = new ArrayList<>();
        for (Path file : List.of(live, rotated, compressed)) {
            List<Event> events = new ArrayList<>();
            AccessLogFile.Summary summary = AccessLogFile.read(file, AccessLogFormat.compile(AccessLogFormat.COMBINED), "vm",
                    Duration.ZERO, events::add);

            assertThat(summary).isEqualTo(new AccessLogFile.Summary(capturedLines.size() + 2, 1));
            List<AccessTally> tallies = events.stream().filter(AccessTally.class::isInstance).map(AccessTally.class::cast).toList();
            assertThat(tallies.stream().mapToLong(AccessTally::requests).sum()).isEqualTo(capturedLines.size() + 1);
            assertThat(tallies).allMatch(t -> t.file().equals(file.toString()));
            assertThat(tallies.get(tallies.size() - 1).ts()).isEqualTo(Instant.parse("2029-12-31T23:00:00Z").toEpochMilli());
            assertThat(events).filteredOn(DeadLetter.class::isInstance).map(DeadLetter.class::cast).singleElement().satisfies(d -> {
                assertThat(d.offset()).isEqualTo(captured.length);
                assertThat(d.raw()).isEqualTo("this is not an access-log line\\x07");
                // the time of the line before it: the log's own time, not the reader's
                assertThat(d.ts()).isEqualTo(lastCaptured.ts());
            });
            counts.add(tallies.stream().map(AccessTally::requests).toList());
        }
        assertThat(counts.get(1)).isEqualTo(counts.get(0));
        assertThat(counts.get(2)).isEqualTo(counts.get(0));
    }
}
