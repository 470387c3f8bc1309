package dev.culprit.storage;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Severity;
import java.util.List;
import java.util.Map;

/** Incidents as the pipeline writes them, at times relative to a fixed "now". */
final class IncidentFixtures {

    static final long NOW = 1_750_000_000_000L;
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;

    /** A hostile culprit name: SQL, LIKE wildcards and quotes, all of which must match only literally. */
    static final String HOSTILE = "50% 'off' a_b\\c\"x'; DROP TABLE incidents; --";

    private IncidentFixtures() {}

    static Alert alert(String id, String host, IncidentKind kind, long start, Long end, Alert.State state, long ts,
                       List<Culprit> culprits, List<String> related) {
        Incident incident = new Incident(host, "detector", ts, 1, id, kind,
                end == null ? Severity.CRITICAL : Severity.WARNING, kind.name().toLowerCase(), start, end, end == null ? null : "condition cleared",
                kind.name().toLowerCase() + " on " + host, culprits, related);
        return new Alert(host, "detector", ts, 1, state, incident);
    }

    static Culprit culprit(String role, String name) {
        return new Culprit(role, name, Map.of("score", 1.0));
    }

    /**
     * <ul>
     *   <li>old-iowait: web1, ended 26 h ago</li>
     *   <li>long-iowait: web1, started 30 h ago, still open, blames mariadbd (with evidence and details)</li>
     *   <li>dos-burst: web2, 2 h ago to 1 h ago</li>
     *   <li>mail-flood: web1, open since 10 min, linked to long-iowait and to an incident not stored</li>
     *   <li>hostile: web3 dos 3 h ago, its culprit named {@link #HOSTILE}</li>
     *   <li>lookalike: web3 dos 4 h ago, culprit "500 axb 'x" (a wildcard reading of % or _ would match it)</li>
     * </ul>
     */
    static void write(IncidentStore store) {
        store.save(List.of(
                alert("old-iowait", "web1", IncidentKind.IOWAIT, NOW - 30 * HOUR, null, Alert.State.FIRING, NOW - 30 * HOUR,
                        List.of(culprit("process", "4211 dd")), List.of()),
                alert("old-iowait", "web1", IncidentKind.IOWAIT, NOW - 30 * HOUR, NOW - 26 * HOUR, Alert.State.RESOLVED, NOW - 26 * HOUR,
                        List.of(culprit("process", "4211 dd")), List.of()),
                alert("long-iowait", "web1", IncidentKind.IOWAIT, NOW - 30 * HOUR, null, Alert.State.FIRING, NOW - 30 * HOUR,
                        List.of(culprit("process", "812 mariadbd")), List.of()),
                alert("long-iowait", "web1", IncidentKind.IOWAIT, NOW - 30 * HOUR, null, Alert.State.UPDATE, NOW - 20 * HOUR,
                        List.of(new Culprit("process", "812 mariadbd", Map.of("blkioDelayMs", 950.0, "writeBytesPerSec", 5.2e7),
                                        Map.of("cmdline", "/usr/sbin/mariadbd", "disks", "vda")),
                                new Culprit("disk", "vda", Map.of("awaitMs", 41.5))),
                        List.of()),
                alert("dos-burst", "web2", IncidentKind.DOS, NOW - 2 * HOUR, NOW - HOUR, Alert.State.RESOLVED, NOW - HOUR,
                        List.of(culprit("client", "203.0.113.7"), culprit("url", "/wp-login.php")), List.of()),
                alert("mail-flood", "web1", IncidentKind.MAIL, NOW - 10 * MINUTE, null, Alert.State.FIRING, NOW - 10 * MINUTE,
                        List.of(culprit("script", "/var/www/site/contact_form.php")), List.of("long-iowait", "not-stored-yet")),
                alert("hostile", "web3", IncidentKind.DOS, NOW - 3 * HOUR, NOW - 3 * HOUR + MINUTE, Alert.State.RESOLVED, NOW - 3 * HOUR,
                        List.of(culprit("url", HOSTILE)), List.of()),
                alert("lookalike", "web3", IncidentKind.DOS, NOW - 4 * HOUR, NOW - 4 * HOUR + MINUTE, Alert.State.RESOLVED, NOW - 4 * HOUR,
                        List.of(culprit("url", "500 axb 'x")), List.of())));
    }
}
