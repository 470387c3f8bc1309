package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.rules.RuleSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline stopped and started again on the same data directory, with the shipped rules: it
 * resumes from its saved state (its last checkpoint, or the savepoint a clean stop takes), so an incident open at the stop stays open and ends when its
 * condition clears, and a script that mailed before is not "new" again.
 */
@Tag("slow")
class PipelineRestartTest {

    private static final String SCRIPT = "/var/www/html/wp-content/uploads/x.php";
    private static final long T0 = System.currentTimeMillis() - 3_600_000;

    @TempDir
    Path dataDir;

    @Test
    void anOpenIncidentSurvivesARestartAndTheScriptIsNotNewAgain() throws Exception {
        RuleSet shipped = RuleSet.DEFAULT; // equal to rules/*.yaml, as RuleFilesTest checks
        // A script never seen before sends 25 mails in 25 s: above the shipped 20 for a new script.
        List<Event> first = new ArrayList<>(mails(T0, 25));
        first.add(mail(T0 + 60_000, "other@example.net")); // moves event time past the burst
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = start(runtime, shipped, first)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(incidents(runtime)).containsExactly("open|null|FIRING"));
            Thread.sleep(12_000); // two checkpoints: the open incident is in saved state
        }

        resumeAndEndTheIncident(shipped);
    }

    @Test
    void aCleanStopSavesTheJobWhereItStoppedAndTheNextStartResumesThere() throws Exception {
        RuleSet shipped = RuleSet.DEFAULT;
        List<Event> first = new ArrayList<>(mails(T0, 25));
        first.add(mail(T0 + 60_000, "other@example.net"));
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = start(runtime, shipped, first)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(incidents(runtime)).containsExactly("open|null|FIRING"));
            // stopped at once, whether or not a checkpoint has been taken since the incident opened
        }

        Path saved = SavedJobState.in(dataDir, "embedded").latest().orElseThrow();
        assertThat(saved.getParent().getFileName().toString()).as("the newest saved state, " + saved).endsWith("-stop");
        resumeAndEndTheIncident(shipped);
    }

    /** Eleven minutes on, past the window: the same 25 mails are no longer a new script's, and the open incident ends. */
    private void resumeAndEndTheIncident(RuleSet shipped) throws Exception {
        List<Event> second = new ArrayList<>(mails(T0 + 660_000, 25));
        second.add(mail(T0 + 1_800_000, "other@example.net")); // past window and cool-down: the incident may end
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = start(runtime, shipped, second)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(incidents(runtime)).containsExactly("closed|condition cleared|FIRING,RESOLVED"));
        }
    }

    private static Pipeline start(EmbeddedRuntime runtime, RuleSet rules, List<Event> events) throws Exception {
        return Pipeline.start(runtime, null, rules, RawEventSink.DEFAULT_RETENTION,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, List.of(), events);
    }

    private static List<Event> mails(long from, int n) {
        List<Event> mails = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            mails.add(mail(from + i * 1_000L, "r" + i + "@example.org"));
        }
        return mails;
    }

    private static PhpMail mail(long ts, String to) {
        return new PhpMail("web1", "phpmail", ts, Schema.VERSION, SCRIPT, 12, PhpMail.Origin.FILE, List.of(to),
                "Invoice " + ts, null, null);
    }

    /** Each mail incident as "open|resolution|its alerts' states". */
    private static List<String> incidents(EmbeddedRuntime runtime) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = runtime.database().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT i.end_ts, i.resolution, "
                     + "(SELECT LISTAGG(a.state, ',') WITHIN GROUP (ORDER BY a.ts) FROM alerts a WHERE a.incident_id = i.id) "
                     + "FROM incidents i WHERE i.kind = 'mail' ORDER BY i.start_ts")) {
            while (rs.next()) {
                rows.add((rs.getObject(1) == null ? "open" : "closed") + "|" + rs.getString(2) + "|"
                        + rs.getString(3).toUpperCase(java.util.Locale.ROOT));
            }
        }
        return rows;
    }
}
