package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.EventArchive;
import dev.culprit.jobs.sinks.RawEventSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mail flood seen live, captured from history by its incident id, and replayed: the same incident at two speeds. */
@Tag("slow")
class CaptureReplayRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void aCapturedIncidentReplaysToTheSameIncidentAtTwoSpeeds() throws Exception {
        Path dataDir = dir.resolve("data");
        List<Event> flood = DemoScenarios.endingAt(System.currentTimeMillis() - 1_000).stream()
                .filter(e -> e.host().equals("demo-mail")).toList();
        CollectorConfig nothingLive = new CollectorConfig("roundtrip", null, null, new CollectorConfig.Sources(
                new CollectorConfig.Proc(false, null, null, null, null, null), null, null, null, null));
        String incidentId;
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = Pipeline.start(runtime, nothingLive, RuleSet.DEFAULT, RawEventSink.DEFAULT_RETENTION,
                     new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, List.of(), flood)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> storedIncidentId(runtime) != null);
            incidentId = storedIncidentId(runtime);
            await().atMost(Duration.ofSeconds(30)).until(() -> rawEvents(runtime) >= flood.size());
        }

        Path archive = dir.resolve("flood.jsonl.gz");
        int exit = Culprit.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(new StringWriter()))
                .execute("capture", "--incident", incidentId, "--margin", "1m", "--out", archive.toString(),
                        "--data-dir", dataDir.toString());
        assertThat(exit).isZero();
        List<Event> captured = EventArchive.read(archive);
        assertThat(captured).hasSize(flood.size());

        List<Incident> tenTimes = Replay.incidents(ReplayTest.replayed(dir, archive, 10, null));
        List<Incident> flatOut = Replay.incidents(ReplayTest.replayed(dir, archive, 0, null));

        assertThat(tenTimes).isEqualTo(flatOut);
        assertThat(flatOut).extracting(Incident::id).containsExactly(incidentId);
    }

    private static String storedIncidentId(EmbeddedRuntime runtime) throws Exception {
        try (Connection c = runtime.database().connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT id FROM incidents WHERE kind = 'mail'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static long rawEvents(EmbeddedRuntime runtime) throws Exception {
        try (Connection c = runtime.database().connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM raw_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
