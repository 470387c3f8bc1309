package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

import java.util.List;

/**
 * One ongoing (or finished) condition on one host: its culprits and the rule that saw it.
 *
 * @param end null while the incident is open: when the condition was last seen
 * @param resolution null while the incident is open: why it ended ("condition cleared", "host
 *     silent for 1m", "pipeline restarted"), so a reader knows whether it was seen to end
 * @param related ids of incidents on the same host that overlapped this one in time
 */
public record Incident(
        String host, String source, long ts, int v,
        String id, IncidentKind kind, Severity severity, String rule,
        long start, Long end, String resolution, String summary,
        List<Culprit> culprits, List<String> related) implements Event {

    public Incident {
        Schema.requireCommon(host, source, v);
        Schema.requireField(id, "id");
        Schema.requireField(kind, "kind");
        Schema.requireField(severity, "severity");
        Schema.requireField(rule, "rule");
        summary = FieldLimit.cap(summary, FieldLimit.SUMMARY);
        culprits = culprits == null ? List.of() : List.copyOf(culprits);
        related = related == null ? List.of() : List.copyOf(related);
    }
}
