package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

/**
 * What mod_evasive reported. Denials are aggregated at the edge per (client, path, second), so
 * {@code count} says how many identical error-log lines this event stands for.
 *
 * @param file the log (or DOSLogDir file) it was read from; null when not known (older archives)
 * @param offset the byte offset of its (first) line in {@code file}; null for a DOSLogDir file or when not known
 */
public record EvasiveEvent(
        String host, String source, long ts, int v,
        Kind kind, String client, String path, long count, String detail,
        @NullInOlderArchives String file, @NullInOlderArchives Long offset) implements Event, FromLogLine {

    @Override
    public EvasiveEvent at(String file, long offset) {
        return new EvasiveEvent(host, source, ts, v, kind, client, path, count, detail, file, offset);
    }

    public enum Kind {
        /** mod_evasive added the client to its blacklist (syslog line or new {@code dos-IP} file). */
        BLACKLISTED,
        /** Apache refused a request from a blacklisted client. */
        DENIED,
        /** mod_evasive cannot do its job as configured (e.g. cannot write DOSLogDir). */
        MISCONFIGURED
    }

    public EvasiveEvent {
        Schema.requireCommon(host, source, v);
        Schema.requireField(kind, "kind");
        // an attacker chooses the URL, and can write the log lines these come from
        client = FieldLimit.cap(client, FieldLimit.NAME);
        path = FieldLimit.cap(path, FieldLimit.NAME);
        detail = FieldLimit.cap(detail, FieldLimit.NAME);
        if (count < 1) {
            throw new IllegalArgumentException("field 'count': must be at least 1, was " + count);
        }
    }
}
