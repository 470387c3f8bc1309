package dev.culprit.collectors.access;

import dev.culprit.events.AccessTally;
import dev.culprit.events.Event;
import dev.culprit.events.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Folds one batch of an access log's one-request tallies per (client, vhost, second), so that a
 * flood costs the pipeline one {@link AccessTally} per client and second, not one per request.
 * Counts are exact. A client's second split across two batches (Apache writes a line when the
 * request ends, stamped with when it began, so a slow request's line comes late) is two tallies;
 * the detector adds them up, so nothing is lost or counted twice.
 */
public final class AccessAggregation implements UnaryOperator<List<Event>> {

    public static final String SOURCE = "apache-access-log";

    private record Key(String host, String file, String client, boolean clientIsHostname, String vhost, long second) {}

    private record Position(int index) {}

    @Override
    public List<Event> apply(List<Event> events) {
        Map<Object, Event> out = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Object key = e instanceof AccessTally t
                    ? new Key(t.host(), t.file(), t.client(), t.clientIsHostname(), t.vhost(), Math.floorDiv(t.ts(), 1000))
                    : new Position(i);
            out.merge(key, e, (a, b) -> ((AccessTally) a).plus((AccessTally) b));
        }
        return new ArrayList<>(out.values());
    }

    /** One request as a tally of its own, at the start of its second. */
    static AccessTally tallyOf(String host, String file, AccessLogLine line) {
        long second = Math.floorDiv(line.ts(), 1000);
        int statusClass = line.status() / 100;
        return new AccessTally(host, SOURCE, second * 1000, Schema.VERSION, file, line.client(), line.clientIsHostname(),
                line.vhost(), 1, statusClass == 1 ? 1 : 0, statusClass == 2 ? 1 : 0, statusClass == 3 ? 1 : 0,
                statusClass == 4 ? 1 : 0, statusClass == 5 ? 1 : 0, line.bytes(), null);
    }
}
