package dev.culprit.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.culprit.events.Alert;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentSummary;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON form of an incident, whichever command prints it (history or replay), documented
 * in docs/CLI.md. Each object says its {@value #SCHEMA} so that a script can tell a later,
 * different form. Every time is an ISO-8601 UTC string with milliseconds ({@code start}) beside
 * the same instant in epoch milliseconds ({@code startMs}); absent times are null in both.
 * Commands print one object per line (JSON lines), so output can be read as it comes.
 */
final class IncidentJson {

    static final String SCHEMA = "culprit.incident/1";

    /** One line per object: JSON lines. Host text stays as it came: JSON escapes control characters itself. */
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IncidentJson() {}

    static String line(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String iso(Long epochMillis) {
        return epochMillis == null ? null : ISO.format(Instant.ofEpochMilli(epochMillis));
    }

    /** {@code name} as an ISO string and {@code nameMs} in epoch milliseconds. */
    static void putTime(Map<String, Object> m, String name, Long epochMillis) {
        m.put(name, iso(epochMillis));
        m.put(name + "Ms", epochMillis);
    }

    /** An incident as history has it. */
    static Map<String, Object> of(IncidentDetail d) {
        IncidentSummary i = d.incident();
        Map<String, Object> m = head(i.id(), i.kind(), i.severity(), i.host(), i.rule(), i.start(), i.end(), i.resolution(), i.summary());
        m.put("culprits", d.culprits().stream().map(c -> culprit(c.role(), c.name(), c.evidence(), c.details())).toList());
        m.put("timeline", d.timeline().stream().map(t -> timelineEntry(t.state(), t.ts(), t.severity(), t.summary())).toList());
        m.put("linked", d.linked().stream()
                .map(l -> linked(l.id(), l.known(), l.kind(), l.host(), l.start(), l.end(), l.summary())).toList());
        return m;
    }

    /**
     * An incident as a replay found it.
     *
     * @param alerts the alerts the replay sent for it, in time order
     * @param replayed every incident of the replay by key, for what a link points to
     */
    static Map<String, Object> of(Incident i, List<Alert> alerts, Map<String, Incident> replayed) {
        Map<String, Object> m = head(i.id(), name(i.kind()), name(i.severity()), i.host(), i.rule(), i.start(), i.end(),
                i.resolution(), i.summary());
        m.put("culprits", i.culprits().stream().map(c -> culprit(c.role(), c.name(), c.evidence(), c.details())).toList());
        m.put("timeline", alerts.stream()
                .map(a -> timelineEntry(name(a.state()), a.ts(), name(a.incident().severity()), a.incident().summary())).toList());
        m.put("linked", i.related().stream().map(key -> {
            Incident other = replayed.get(key);
            return other == null ? linked(key, false, null, null, null, null, null)
                    : linked(key, true, name(other.kind()), other.host(), other.start(), other.end(), other.summary());
        }).toList());
        return m;
    }

    /** The name an enum has on the wire and in the database ({@code iowait}, {@code critical}, {@code resolved}). */
    static String name(Enum<?> value) {
        return EventCodec.mapper().convertValue(value, String.class);
    }

    private static Map<String, Object> head(String key, String kind, String severity, String host, String rule,
                                            long start, Long end, String resolution, String summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("id", IncidentId.of(key));
        m.put("key", key);
        m.put("kind", kind);
        m.put("severity", severity);
        m.put("host", host);
        m.put("rule", rule);
        putTime(m, "start", start);
        putTime(m, "end", end);
        m.put("open", end == null);
        m.put("resolution", resolution);
        m.put("summary", summary);
        return m;
    }

    private static Map<String, Object> culprit(String role, String name, Map<String, Double> evidence, Map<String, String> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("name", name);
        m.put("evidence", evidence);
        m.put("details", details);
        return m;
    }

    private static Map<String, Object> timelineEntry(String state, long ts, String severity, String summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state);
        putTime(m, "time", ts);
        m.put("severity", severity);
        m.put("summary", summary);
        return m;
    }

    private static Map<String, Object> linked(String key, boolean known, String kind, String host, Long start, Long end, String summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", IncidentId.of(key));
        m.put("key", key);
        m.put("known", known);
        m.put("kind", kind);
        m.put("host", host);
        putTime(m, "start", start);
        putTime(m, "end", end);
        m.put("summary", summary);
        return m;
    }
}
