package dev.culprit.collectors;

/**
 * What one source has done since it started.
 *
 * @param read units of input taken: lines of a log, readings of {@code /proc}, status pages,
 *     listings of a DOSLogDir
 * @param events events handed on, dead letters not included
 * @param unparseable input that should have been ours but did not parse, each sent as a dead letter
 * @param dropped events lost: no room in the spool for a sample that cannot be taken again, or a
 *     process I/O figure above what the host's disks took in
 * @param lastError the most recent failure to read or parse, or null
 */
public record SourceCounters(long read, long events, long unparseable, long dropped, String lastError) {

    /** One line for {@code collect}'s summary and the periodic log. */
    public String summary(String source) {
        return source + ": " + read + " read, " + events + " event(s), " + unparseable + " unparseable, "
                + dropped + " dropped" + (lastError == null ? "" : "; last error: " + lastError);
    }
}
