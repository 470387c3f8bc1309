package dev.culprit.collectors.access;

import dev.culprit.events.AccessTally;
import dev.culprit.events.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts one access log's requests per (client, vhost, second) as they are read, so that a flood
 * costs the pipeline one {@link AccessTally} per client and second, and memory holds only the
 * clients of the seconds still open, however many requests they make. Counts are exact.
 *
 * <p>Apache writes a line when a request ends but stamps it with the time it began, so a slow
 * request's line comes after faster ones of later seconds. A second is therefore complete once a
 * line at least {@code lateness} later has been read. A line for a second already flushed is not
 * lost: it starts a new tally for that second, which the jobs add to the first.
 */
public final class AccessAggregation {

    public static final String SOURCE = "apache-access-log";

    private record Key(String client, boolean clientIsHostname, String vhost, long second) {}

    private final String host;
    private final String file;
    private final long latenessSeconds;
    private final Map<Key, AccessTally> open = new LinkedHashMap<>();
    private long latestSecond = Long.MIN_VALUE;

    /**
     * @param file the log's name, carried in every tally
     * @param lateness how much later than a second a line of it may still come (Apache's longest
     *     request); zero flushes a second as soon as a line of a later one is read
     */
    public AccessAggregation(String host, String file, Duration lateness) {
        this.host = host;
        this.file = file;
        this.latenessSeconds = lateness.toSeconds();
    }

    /** Counts the line's request; returns the tallies of the seconds it completes, oldest first. */
    public List<AccessTally> add(AccessLogLine line) {
        long second = Math.floorDiv(line.ts(), 1000);
        open.merge(new Key(line.client(), line.clientIsHostname(), line.vhost(), second), tallyOf(line, second), AccessTally::plus);
        if (second <= latestSecond) {
            return List.of();
        }
        latestSecond = second;
        List<AccessTally> complete = new ArrayList<>();
        for (Iterator<Map.Entry<Key, AccessTally>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, AccessTally> entry = it.next();
            if (entry.getKey().second() < latestSecond - latenessSeconds) {
                complete.add(entry.getValue());
                it.remove();
            }
        }
        return sorted(complete);
    }

    /** Everything still open: at the end of the input, or before a position in the log is saved. */
    public List<AccessTally> flush() {
        List<AccessTally> all = sorted(new ArrayList<>(open.values()));
        open.clear();
        return all;
    }

    /** By second; within a second, in the order the clients first appeared. */
    private static List<AccessTally> sorted(List<AccessTally> tallies) {
        tallies.sort((a, b) -> Long.compare(a.ts(), b.ts()));
        return tallies;
    }

    private AccessTally tallyOf(AccessLogLine line, long second) {
        int statusClass = line.status() / 100;
        return new AccessTally(host, SOURCE, second * 1000, Schema.VERSION, file, line.client(), line.clientIsHostname(),
                line.vhost(), 1, statusClass == 1 ? 1 : 0, statusClass == 2 ? 1 : 0, statusClass == 3 ? 1 : 0,
                statusClass == 4 ? 1 : 0, statusClass == 5 ? 1 : 0, line.bytes());
    }
}
