package dev.culprit.storage;

/**
 * One line of an incident listing. Kind and severity are the stored names ({@code iowait},
 * {@code critical}), so a row written by a newer Culprit still lists.
 *
 * @param id the incident's key, as the detector made it; {@link #shortId()} is what people are shown
 * @param end null while open
 * @param resolution why it ended ("condition cleared", "host sent nothing for 1m", "pipeline
 *     restarted"); null while open, and for incidents stored before Culprit recorded it
 * @param topCulpritRole null when the incident names no culprit
 * @param topCulpritName null when the incident names no culprit
 */
public record IncidentSummary(String id, String kind, String severity, String host, String rule,
                              long start, Long end, String resolution, String summary, String topCulpritRole, String topCulpritName) {

    /** The short id people see and type ({@link IncidentId}). */
    public String shortId() {
        return IncidentId.of(id);
    }

    public boolean open() {
        return end == null;
    }
}
