package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentStore;
import dev.culprit.storage.IncidentSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a replay found beside what history recorded for the same span and hosts ({@code replay
 * --diff}): incidents found only now (new), only then (missing), or in both with another severity,
 * top culprit or end (changed, with only the fields that differ).
 *
 * <p>An archive ends, history goes on: the replay runs its event time on past the archive's last
 * event, so it resolves what was still going there, and history may not have resolved yet what
 * the archive saw end (its cool-down was still running when the archive was cut). So an end is
 * compared only where the archive itself shows the incident ended: it resolved before its host's
 * last event in the archive. Anything else, open, resolved for lack of events, resolved by a
 * restart, or resolved after the archive, counts as "open at the archive's end" on either side.
 */
final class HistoryDiff {

    static final String SCHEMA = "culprit.replay-diff/1";

    enum Change { NEW, MISSING, CHANGED }

    /**
     * One field that differs: what history says and what the replay says.
     *
     * @param name as in {@link IncidentJson}'s form ({@code severity}, {@code topCulprit}, {@code end})
     * @param history null where history has none (no culprit; for {@code end}: open at the archive's end)
     * @param replay likewise for the replay
     */
    record Field(String name, Object history, Object replay) {

        boolean isTime() {
            return name.equals("end");
        }

        String label() {
            return name.equals("topCulprit") ? "top culprit" : name;
        }
    }

    /**
     * @param incident the whole incident, in {@link IncidentJson}'s form, for a new or missing one; null for a changed one
     */
    record Difference(Change change, String key, String kind, String host, long start, String summary,
                      List<Field> fields, Map<String, Object> incident) {}

    private final int recorded;
    private final int replayed;
    private final List<Difference> differences;

    private HistoryDiff(int recorded, int replayed, List<Difference> differences) {
        this.recorded = recorded;
        this.replayed = replayed;
        this.differences = List.copyOf(differences);
    }

    /**
     * @param alerts what the replay sent, in time order
     * @param history what history holds for the archive's span and hosts
     * @param lastEventByHost each host's last event in the archive
     */
    static HistoryDiff of(List<Alert> alerts, List<IncidentDetail> history, Map<String, Long> lastEventByHost) {
        List<Incident> now = Replay.incidents(alerts);
        Map<String, Incident> nowByKey = now.stream().collect(Collectors.toMap(Incident::id, Function.identity(), (a, b) -> a));
        Map<String, IncidentDetail> before = history.stream()
                .collect(Collectors.toMap(d -> d.incident().id(), Function.identity(), (a, b) -> a, LinkedHashMap::new));
        List<Difference> differences = new ArrayList<>();
        for (Incident i : now) {
            List<Alert> own = alerts.stream().filter(a -> a.incident().id().equals(i.id())).toList();
            IncidentDetail d = before.get(i.id());
            if (d == null) {
                differences.add(new Difference(Change.NEW, i.id(), IncidentJson.name(i.kind()), i.host(), i.start(), i.summary(),
                        List.of(), IncidentJson.of(i, own, nowByKey)));
                continue;
            }
            IncidentSummary s = d.incident();
            long horizon = lastEventByHost.getOrDefault(i.host(), Long.MIN_VALUE);
            Long endThen = endWithin(s.end(), s.resolution(), lastResolved(d), horizon);
            Long endNow = endWithin(i.end(), i.resolution(), own.stream().filter(a -> a.state() == Alert.State.RESOLVED)
                    .map(Alert::ts).reduce((a, b) -> b).orElse(null), horizon);
            String severityNow = IncidentJson.name(i.severity());
            String topNow = i.culprits().isEmpty() ? null : i.culprits().get(0).role() + " " + i.culprits().get(0).name();
            String topThen = s.topCulpritName() == null ? null : s.topCulpritRole() + " " + s.topCulpritName();
            List<Field> fields = new ArrayList<>();
            if (!severityNow.equals(s.severity())) {
                fields.add(new Field("severity", s.severity(), severityNow));
            }
            if (!Objects.equals(topThen, topNow)) {
                fields.add(new Field("topCulprit", topThen, topNow));
            }
            if (!Objects.equals(endThen, endNow)) {
                fields.add(new Field("end", endThen, endNow));
            }
            if (!fields.isEmpty()) {
                differences.add(new Difference(Change.CHANGED, i.id(), IncidentJson.name(i.kind()), i.host(), i.start(), i.summary(),
                        fields, null));
            }
        }
        for (IncidentDetail d : before.values()) {
            IncidentSummary s = d.incident();
            if (!nowByKey.containsKey(s.id())) {
                differences.add(new Difference(Change.MISSING, s.id(), s.kind(), s.host(), s.start(), s.summary(),
                        List.of(), IncidentJson.of(d)));
            }
        }
        return new HistoryDiff(history.size(), now.size(), differences);
    }

    /**
     * When the incident ended as far as the archive shows, or null: it resolved only after its
     * host's last event there, or for want of events, or because a pipeline restarted.
     */
    static Long endWithin(Long end, String resolution, Long resolvedAt, long horizon) {
        boolean seen = end != null && resolvedAt != null && resolvedAt <= horizon && !IncidentStore.PIPELINE_RESTARTED.equals(resolution);
        return seen ? end : null;
    }

    private static Long lastResolved(IncidentDetail d) {
        return d.timeline().stream().filter(t -> t.state().equals(IncidentJson.name(Alert.State.RESOLVED)))
                .map(IncidentDetail.TimelineEntry::ts).reduce((a, b) -> b).orElse(null);
    }

    private static String readable(Field f, Object value) {
        if (f.isTime()) {
            return value == null ? "open at the archive's end" : QueryCommand.Output.local((Long) value);
        }
        return value == null ? "none" : TerminalText.printable(value.toString());
    }

    boolean none() {
        return differences.isEmpty();
    }

    /** For people: one line per new or missing incident, a line per changed field under a changed one. */
    void print(PrintWriter out, int width) {
        String head = "against history (" + recorded + " recorded, " + replayed + " replayed):";
        if (differences.isEmpty()) {
            out.println(head + " no differences");
            return;
        }
        out.println(head);
        for (Difference d : differences) {
            String change = d.change().name().toLowerCase(java.util.Locale.ROOT);
            String line = String.format("  %-8s %s  %s  %s  started %s", change, IncidentId.of(d.key()), d.kind(),
                    TerminalText.printable(d.host()), QueryCommand.Output.local(d.start()));
            if (d.change() != Change.CHANGED) {
                out.println(Terminal.cut(line + "  " + TerminalText.printable(d.summary()), width));
                continue;
            }
            out.println(line);
            int labelWidth = d.fields().stream().mapToInt(f -> f.label().length()).max().orElse(0);
            for (Field f : d.fields()) {
                out.println(String.format("             %-" + labelWidth + "s  %s -> %s", f.label(),
                        readable(f, f.history()), readable(f, f.replay())));
            }
        }
    }

    /** For programs: one JSON object (docs/CLI.md); {@code differences} is empty when there are none. */
    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("recorded", recorded);
        m.put("replayed", replayed);
        m.put("differences", differences.stream().map(d -> {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("change", d.change().name().toLowerCase(java.util.Locale.ROOT));
            dm.put("id", IncidentId.of(d.key()));
            dm.put("key", d.key());
            dm.put("kind", d.kind());
            dm.put("host", d.host());
            IncidentJson.putTime(dm, "start", d.start());
            if (d.incident() != null) {
                dm.put("incident", d.incident());
            } else {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (Field f : d.fields()) {
                    if (f.isTime()) {
                        // a time as everywhere in the schema: the ISO string, and beside it the epoch milliseconds
                        fields.put(f.name(), sides(IncidentJson.iso((Long) f.history()), IncidentJson.iso((Long) f.replay())));
                        fields.put(f.name() + "Ms", sides(f.history(), f.replay()));
                    } else {
                        fields.put(f.name(), sides(f.history(), f.replay()));
                    }
                }
                dm.put("fields", fields);
            }
            return dm;
        }).toList());
        return m;
    }

    private static Map<String, Object> sides(Object history, Object replay) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("history", history);
        m.put("replay", replay);
        return m;
    }
}
