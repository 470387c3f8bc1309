package dev.culprit.collectors.proc;

/**
 * One read of one process: its counters, and the labels read when it was first seen.
 *
 * @param cmdline {@code /proc/PID/cmdline} with its NUL separators as spaces; empty for kernel threads
 */
record ProcessReading(ProcStat stat, ProcIo io, String cmdline, ProcessCgroup cgroup) {

    int pid() {
        return stat.pid();
    }

    /** The same process, not a later one that got its pid. */
    boolean sameProcess(ProcessReading other) {
        return other != null && other.stat.pid() == stat.pid() && other.stat.startTicks() == stat.startTicks();
    }

    /** {@code now} is this process, not re-executed since (exec changes comm), so cmdline and cgroup still hold. */
    boolean labelsHoldFor(ProcStat now) {
        return now.pid() == stat.pid() && now.startTicks() == stat.startTicks() && now.comm().equals(stat.comm());
    }
}
