package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

import java.util.List;
import java.util.Map;

/**
 * One poll of Apache's mod_status. An unreachable server is an event too ({@code reachable=false}
 * and the {@code error}).
 *
 * @param requestsPerSec change of {@code Total Accesses} since the previous poll over the elapsed
 *     time; null on the first poll and after a restart
 * @param scoreboard worker count per scoreboard state, keyed by state name (e.g. {@code sending})
 * @param workers the ExtendedStatus table's busy workers: who asked for what
 */
public record ApacheStatus(
        String host, String source, long ts, int v,
        String server, boolean reachable, String error,
        Long uptimeSeconds, Long totalAccesses, Double requestsPerSec,
        Integer busyWorkers, Integer idleWorkers,
        Map<String, Integer> scoreboard,
        List<WorkerRequest> workers) implements Event {

    public ApacheStatus {
        Schema.requireCommon(host, source, v);
        Schema.requireField(server, "server");
        scoreboard = scoreboard == null ? Map.of() : Map.copyOf(scoreboard);
        workers = workers == null ? List.of() : List.copyOf(workers);
        error = FieldLimit.cap(error, FieldLimit.NAME);
    }

    /** A row of the ExtendedStatus table: what a client asked, in its own words. */
    public record WorkerRequest(String client, String vhost, String request, String mode, Long secondsSinceRequest) {
        public WorkerRequest {
            client = FieldLimit.cap(client, FieldLimit.NAME);
            vhost = FieldLimit.cap(vhost, FieldLimit.NAME);
            request = FieldLimit.cap(request, FieldLimit.NAME);
            mode = FieldLimit.cap(mode, FieldLimit.NAME);
        }
    }
}
