package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

/**
 * The requests one client made to one virtual host within one second, as Apache's access log
 * recorded them. Collectors count at the edge so that a flood costs one event per client and
 * second, not one per request; the counts are exact.
 *
 * @param ts the start of the second (epoch millis), from the log lines' own {@code %t}
 * @param file the access log the requests were read from
 * @param client the client's address, normalised (IPv6 compressed, IPv4-mapped as IPv4), or
 *     its host name when Apache logged one ({@code HostnameLookups On}; see {@code clientIsHostname})
 * @param vhost the answering virtual host ({@code %v}), or null when the log format has none
 * @param requests all requests; always the sum of the five status classes
 * @param bytes bytes sent as the format logged them ({@code %O}, else {@code %B} or {@code %b}); 0 when it logs none
 * @param offset the byte offset in {@code file} of the first line counted; null when not known
 */
public record AccessTally(
        String host, String source, long ts, int v,
        String file, String client, boolean clientIsHostname, String vhost,
        long requests, long status1xx, long status2xx, long status3xx, long status4xx, long status5xx,
        long bytes, @NullInOlderArchives Long offset) implements Event, FromLogLine {

    @Override
    public AccessTally at(String file, long offset) {
        return new AccessTally(host, source, ts, v, file, client, clientIsHostname, vhost, requests, status1xx, status2xx,
                status3xx, status4xx, status5xx, bytes, offset);
    }

    public AccessTally {
        Schema.requireCommon(host, source, v);
        Schema.requireField(file, "file");
        Schema.requireField(client, "client");
        // both are what the request said (a Host header, a name a resolver gave)
        client = FieldLimit.cap(client, FieldLimit.NAME);
        vhost = FieldLimit.cap(vhost, FieldLimit.NAME);
        if (status1xx < 0 || status2xx < 0 || status3xx < 0 || status4xx < 0 || status5xx < 0 || bytes < 0) {
            throw new IllegalArgumentException("fields 'status1xx'..'status5xx' and 'bytes': must not be negative");
        }
        if (requests < 1 || requests != status1xx + status2xx + status3xx + status4xx + status5xx) {
            throw new IllegalArgumentException("field 'requests': must be at least 1 and the sum of the status classes, was "
                    + requests);
        }
    }

    /** The tally of both: the same client, vhost and second counted from two stretches of the log; the first's place. */
    public AccessTally plus(AccessTally other) {
        return new AccessTally(host, source, ts, v, file, client, clientIsHostname, vhost,
                requests + other.requests, status1xx + other.status1xx, status2xx + other.status2xx,
                status3xx + other.status3xx, status4xx + other.status4xx, status5xx + other.status5xx,
                bytes + other.bytes, offset != null ? offset : other.offset);
    }
}
