package dev.culprit.storage;

import java.util.List;
import java.util.Map;

/** Everything stored about one incident: what it blamed, how it unfolded, what it overlapped. */
public record IncidentDetail(IncidentSummary incident, List<StoredCulprit> culprits,
                             List<TimelineEntry> timeline, List<LinkedIncident> linked) {

    public IncidentDetail {
        culprits = List.copyOf(culprits);
        timeline = List.copyOf(timeline);
        linked = List.copyOf(linked);
    }

    /**
     * A culprit as last stored: evidence from {@code culprits.evidence}, details from the latest
     * alert's payload (the culprits table does not keep them).
     */
    public record StoredCulprit(int position, String role, String name,
                                Map<String, Double> evidence, Map<String, String> details) {}

    /** One alert: {@code firing}, {@code update} or {@code resolved}, at its event time. */
    public record TimelineEntry(String state, long ts, String severity, String summary) {}

    /**
     * An incident linked to this one, in either direction. Its own fields are null when only the
     * link is stored (the other incident's alert has not arrived).
     *
     * @param id the linked incident's key
     */
    public record LinkedIncident(String id, String kind, String host, Long start, Long end, String summary) {

        /** The short id of the linked incident ({@link IncidentId}). */
        public String shortId() {
            return IncidentId.of(id);
        }

        public boolean known() {
            return kind != null;
        }
    }
}
