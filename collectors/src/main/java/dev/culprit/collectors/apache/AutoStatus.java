package dev.culprit.collectors.apache;

/**
 * What one {@code /server-status?auto} read says.
 *
 * @param serverName the bare first line Apache 2.4 prints (the server name); null when absent
 * @param restartTime the {@code RestartTime:} text, verbatim; a full restart changes it, a graceful
 *     one does not; null on Apache versions that do not print it
 * @param uptimeSeconds {@code ServerUptimeSeconds}, else {@code Uptime}; null when neither is printed
 * @param totalAccesses null with {@code ExtendedStatus Off}, which prints no totals
 * @param totalKBytes null with {@code ExtendedStatus Off}
 */
public record AutoStatus(
        String serverName, String restartTime, Long uptimeSeconds, Long totalAccesses, Long totalKBytes,
        int busyWorkers, int idleWorkers, Scoreboard scoreboard) {}
