package dev.culprit.storage;

import dev.culprit.events.IncidentKind;
import java.time.Instant;

/**
 * Which incidents {@link IncidentQueries#list} returns. Every field is optional (null or false: no
 * restriction).
 *
 * @param since incidents still going at or after this instant (open ones, or ended since)
 * @param until incidents that had started by this instant
 * @param host exact host name, case-insensitive
 * @param culprit part of a culprit's name, case-insensitive, taken literally ({@code %} and {@code _} are not wildcards)
 * @param openOnly only incidents that have not ended
 * @param limit at most this many, newest first
 */
public record IncidentFilter(Instant since, Instant until, IncidentKind kind, String host, String culprit,
                             boolean openOnly, int limit) {

    public IncidentFilter {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (since != null && until != null && since.isAfter(until)) {
            throw new IllegalArgumentException("since (" + since + ") is after until (" + until + ")");
        }
    }

    /** No restriction but the row limit. */
    public static IncidentFilter all(int limit) {
        return new IncidentFilter(null, null, null, null, null, false, limit);
    }
}
