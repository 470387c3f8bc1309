package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `replay --diff` reports for one incident, history against replay, when the archive ends at {@link #LAST_EVENT}. */
class HistoryDiffTest {

    private static final String KEY = "web1-iowait-100000";
    private static final long START = 100_000;
    private static final long LAST_EVENT = 400_000;

    private static Alert replayed(Alert.State state, long ts, Severity severity, Long end, String resolution) {
        return new Alert("web1", "iowait-detector", ts, 1, state, new Incident("web1", "iowait-detector", START, 1, KEY, IncidentKind.IOWAIT,
                severity, "iowait", START, end, resolution, "I/O wait on web1", List.of(new Culprit("process", "4211 dd", Map.of())), List.of()));
    }

    private static IncidentDetail recorded(String severity, Long end, String resolution, long... resolvedAt) {
        List<IncidentDetail.TimelineEntry> timeline = new java.util.ArrayList<>(List.of(
                new IncidentDetail.TimelineEntry("firing", START + 10_000, severity, "I/O wait on web1")));
        for (long ts : resolvedAt) {
            timeline.add(new IncidentDetail.TimelineEntry("resolved", ts, severity, "I/O wait on web1"));
        }
        return new IncidentDetail(new IncidentSummary(KEY, "iowait", severity, "web1", "iowait", START, end, resolution, "I/O wait on web1",
                "process", "4211 dd"), List.of(), timeline, List.of());
    }

    private static HistoryDiff diff(List<Alert> replay, IncidentDetail history) {
        return HistoryDiff.of(replay, List.of(history), Map.of("web1", LAST_EVENT));
    }

    private static String text(HistoryDiff diff) {
        StringWriter out = new StringWriter();
        diff.print(new PrintWriter(out, true), 100);
        return out.toString();
    }

    @Test
    void openInHistoryAndResolvedOnlyPastTheArchivesEndAreTheSame() {
        List<Alert> replay = List.of(replayed(Alert.State.FIRING, START + 10_000, Severity.WARNING, null, null),
                replayed(Alert.State.RESOLVED, LAST_EVENT + 60_000, Severity.WARNING, LAST_EVENT, "host sent nothing for 1m"));

        assertThat(diff(replay, recorded("warning", null, null)).none()).isTrue();
        // history resolved it too, after the archive's end (its cool-down ran on past the capture)
        assertThat(diff(replay, recorded("warning", 350_000L, "condition cleared", LAST_EVENT + 30_000)).none()).isTrue();
        // or a restart closed it: nobody saw it end
        assertThat(diff(replay, recorded("warning", 300_000L, "pipeline restarted", 9_000_000)).none()).isTrue();
    }

    @Test
    void onlyTheFieldsThatChangedAreShownWithReadableTimes() throws Exception {
        List<Alert> replay = List.of(replayed(Alert.State.FIRING, START + 10_000, Severity.CRITICAL, null, null),
                replayed(Alert.State.RESOLVED, LAST_EVENT + 60_000, Severity.CRITICAL, LAST_EVENT, "host sent nothing for 1m"));
        // history saw it clear within the archive; the replay (new rules) held it to the end
        HistoryDiff diff = diff(replay, recorded("warning", 250_000L, "condition cleared", 280_000));

        assertThat(text(diff)).isEqualTo("against history (1 recorded, 1 replayed):\n"
                + "  changed  " + IncidentId.of(KEY) + "  iowait  web1  started " + QueryCommand.Output.local(START) + "\n"
                + "             severity  warning -> critical\n"
                + "             end       " + QueryCommand.Output.local(250_000) + " -> open at the archive's end\n");
        JsonNode json = IncidentJson.JSON.readTree(IncidentJson.line(diff.json()));
        JsonNode changed = json.get("differences").get(0);
        assertThat(changed.get("change").asText()).isEqualTo("changed");
        assertThat(changed.get("id").asText()).isEqualTo(IncidentId.of(KEY));
        assertThat(changed.get("fields").fieldNames()).toIterable().containsExactly("severity", "end", "endMs");
        assertThat(changed.get("fields").get("end").get("history").asText()).isEqualTo("1970-01-01T00:04:10.000Z");
        assertThat(changed.get("fields").get("end").get("replay").isNull()).isTrue();
        assertThat(changed.get("fields").get("endMs").get("history").asLong()).isEqualTo(250_000);
    }
}
