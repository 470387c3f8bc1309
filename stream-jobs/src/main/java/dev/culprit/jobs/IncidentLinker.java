package dev.culprit.jobs;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.jobs.serde.JsonTypeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Links incidents on one host that overlap in time: a DoS and the I/O wait it causes, a mail
 * flood during an attack. Each alert leaves with the ids of the incidents that overlapped its
 * incident so far, so the operator sees them together.
 */
public final class IncidentLinker extends KeyedProcessFunction<String, Alert, Alert> {

    /** Finished incidents are remembered this long after their end, for late starters that overlap them. */
    static final long REMEMBER_CLOSED_MS = 3_600_000;

    /** One host's incidents: when each ran, and which others it overlapped. */
    public record Spans(Map<String, Span> spans, Map<String, List<String>> related) {}

    /** When an incident ran; {@code end} is null while it is open. */
    public record Span(long start, Long end) {
        boolean overlaps(Span other) {
            return (other.end == null || other.end >= start) && (end == null || end >= other.start);
        }
    }

    private transient ValueState<Spans> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("incident-spans", JsonTypeInfo.of(Spans.class)));
    }

    @Override
    public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
        Spans current = state.value();
        Map<String, Span> spans = current == null ? new HashMap<>() : new HashMap<>(current.spans());
        Map<String, List<String>> related = current == null ? new HashMap<>() : new HashMap<>(current.related());
        Incident incident = alert.incident();
        Span span = new Span(incident.start(), incident.end());
        spans.put(incident.id(), span);

        for (Map.Entry<String, Span> other : spans.entrySet()) {
            if (!other.getKey().equals(incident.id()) && other.getValue().overlaps(span)) {
                link(related, incident.id(), other.getKey());
                link(related, other.getKey(), incident.id());
            }
        }
        spans.entrySet().removeIf(e -> e.getValue().end() != null
                && e.getValue().end() < alert.ts() - REMEMBER_CLOSED_MS);
        related.keySet().retainAll(spans.keySet());
        state.update(new Spans(spans, related));

        Set<String> links = new LinkedHashSet<>(incident.related());
        links.addAll(related.getOrDefault(incident.id(), List.of()));
        out.collect(new Alert(alert.host(), alert.source(), alert.ts(), alert.v(), alert.state(),
                new Incident(incident.host(), incident.source(), incident.ts(), incident.v(), incident.id(),
                        incident.kind(), incident.severity(), incident.rule(), incident.start(), incident.end(), incident.resolution(),
                        incident.summary(), incident.culprits(), List.copyOf(links))));
    }

    private static void link(Map<String, List<String>> related, String from, String to) {
        List<String> list = new ArrayList<>(related.getOrDefault(from, List.of()));
        if (!list.contains(to)) {
            list.add(to);
        }
        related.put(from, list);
    }
}
