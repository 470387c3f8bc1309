package dev.culprit.collectors.proc;

import java.util.Map;

/**
 * Every readable process at one moment.
 *
 * @param uptimeMs {@code /proc/uptime}, the kernel's clock for the counters
 * @param delayAccounting whether field 42 of {@code /proc/PID/stat} is being counted
 */
record ProcessTable(long ts, long uptimeMs, Map<Integer, ProcessReading> processes, boolean delayAccounting) {}
