package dev.culprit.collectors.proc;

import java.util.Map;
import java.util.Set;

/**
 * Every readable process at one moment.
 *
 * @param uptimeMs {@code /proc/uptime}, the kernel's clock for the counters
 * @param processes those whose {@code stat} and {@code io} could be read
 * @param listed every pid directory present, read or not
 * @param delayAccounting whether field 42 of {@code /proc/PID/stat} is being counted
 * @param hostIo the host's disk and page-cache counters, read just before the processes; null when unreadable
 */
record ProcessTable(long ts, long uptimeMs, Map<Integer, ProcessReading> processes, Set<Integer> listed,
                    boolean delayAccounting, HostIoCounters hostIo) {

    /** {@code process} (seen in an earlier table) is gone: its pid is unlisted or now another process's. */
    boolean lost(ProcessReading process) {
        ProcessReading now = processes.get(process.pid());
        return now == null ? !listed.contains(process.pid()) : !process.sameProcess(now);
    }
}
