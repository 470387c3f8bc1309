package dev.culprit.collectors.evasive;

import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Folds one batch's evasive events so that a DoS costs the pipeline one event per attacker,
 * file and second, not one per blocked request (thousands a second): DENIED events are merged
 * per (host, client, path, second), MISCONFIGURED ones per (host, detail), that is per
 * directory and reason, since a DOSLogDir that cannot be written is one problem however many
 * requests run into it. Counts are summed, so every count stays exact. A merged event keeps
 * the time and the place (file, offset) of its first line; everything else passes through in order.
 */
public final class DenialAggregation implements UnaryOperator<List<Event>> {

    private record DenialKey(String host, String source, String client, String path, long second) {}

    private record ProblemKey(String host, String source, String detail) {}

    private record Position(int index) {}

    @Override
    public List<Event> apply(List<Event> events) {
        Map<Object, Event> out = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            out.merge(keyOf(events.get(i), i), events.get(i), (a, b) -> merge((EvasiveEvent) a, (EvasiveEvent) b));
        }
        return new ArrayList<>(out.values());
    }

    /** Events that are not merged are keyed by their place in the batch, so they pass through as they are. */
    private static Object keyOf(Event event, int position) {
        if (!(event instanceof EvasiveEvent e)) {
            return new Position(position);
        }
        return switch (e.kind()) {
            case DENIED -> new DenialKey(e.host(), e.source(), e.client(), e.path(), Math.floorDiv(e.ts(), 1000));
            case MISCONFIGURED -> new ProblemKey(e.host(), e.source(), e.detail());
            case BLACKLISTED -> new Position(position);
        };
    }

    /** Lines about different clients of one misconfiguration keep no single client. */
    private static EvasiveEvent merge(EvasiveEvent a, EvasiveEvent b) {
        String client = Objects.equals(a.client(), b.client()) ? a.client() : null;
        return new EvasiveEvent(a.host(), a.source(), Math.min(a.ts(), b.ts()), a.v(), a.kind(), client, a.path(),
                a.count() + b.count(), a.detail(), a.file(), a.offset());
    }
}
