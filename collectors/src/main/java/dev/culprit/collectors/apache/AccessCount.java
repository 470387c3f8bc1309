package dev.culprit.collectors.apache;

/**
 * {@code Total Accesses} as read at one moment, with what tells a restart apart.
 *
 * <p>{@code ReqPerSec} on the page is an average since the last restart, useless for a burst, so
 * the rate comes from two of these. A full restart ({@code apache2ctl restart}) zeroes the
 * counters and the uptime and moves {@code RestartTime}; a graceful one keeps all three. Across a
 * restart there is no honest rate, so none is given rather than a negative or a too-small one.
 */
record AccessCount(long totalAccesses, Long uptimeSeconds, String restartTime, long readAtMillis) {

    /** Requests per second from {@code earlier} to this read; null when there is no honest answer. */
    Double perSecondSince(AccessCount earlier) {
        long elapsedMillis = readAtMillis - earlier.readAtMillis;
        if (elapsedMillis <= 0 || restartedSince(earlier)) {
            return null;
        }
        return (totalAccesses - earlier.totalAccesses) * 1000.0 / elapsedMillis;
    }

    private boolean restartedSince(AccessCount earlier) {
        return totalAccesses < earlier.totalAccesses
                || (uptimeSeconds != null && earlier.uptimeSeconds != null && uptimeSeconds < earlier.uptimeSeconds)
                || (restartTime != null && earlier.restartTime != null && !restartTime.equals(earlier.restartTime));
    }
}
