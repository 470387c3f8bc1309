package dev.culprit.collectors.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-process arithmetic between two {@link ProcessTable}s, including the kernel's habit of
 * adding a reaped child's I/O counters to its parent's {@code /proc/PID/io}.
 */
final class ProcessIntervals {

    /** USER_HZ, the unit of stat's tick fields; 100 on every architecture a web host runs. */
    static final long MS_PER_TICK = 10;

    private ProcessIntervals() {}

    /** Every process that touched a disk between {@code before} and {@code after}, unranked. */
    static List<ProcessInterval> between(ProcessTable before, ProcessTable after) {
        Map<Integer, List<ProcessReading>> exitedChildren = exitedChildrenByParent(before, after);
        List<ProcessInterval> intervals = new ArrayList<>();
        for (ProcessReading now : after.processes().values()) {
            ProcessReading was = before.processes().get(now.pid());
            if (!now.sameProcess(was)) {
                if (now.stat().startTicks() * MS_PER_TICK < before.uptimeMs()) {
                    continue; // it was there but unreadable last time: no honest baseline
                }
                was = bornDuringInterval(now); // everything it counted happened in this interval
            }
            long read = Math.max(0, now.io().readBytes() - was.io().readBytes());
            long write = Math.max(0, now.io().writeBytes() - was.io().writeBytes());
            List<ProcessReading> exited = exitedChildren.getOrDefault(now.pid(), List.of());
            if (reapedChildren(was.stat(), now.stat()) || !exited.isEmpty()) {
                // The kernel has just added the reaped children's whole I/O to this process, and
                // nothing tells its own share apart from theirs. A parent that only waits (a
                // shell, a pre-fork master) has none, so the interval's bytes are not its own:
                // reporting 0 loses a busy parent's own I/O for one interval, reporting the jump
                // would blame it for gigabytes it never wrote.
                if (exited.size() == 1) {
                    keepIfTouchedDisk(intervals, exitedChild(exited.get(0), read, write));
                }
                read = 0;
                write = 0;
            }
            Long delayMs = after.delayAccounting()
                    ? Math.max(0, now.stat().blkioTicks() - was.stat().blkioTicks()) * MS_PER_TICK
                    : null;
            keepIfTouchedDisk(intervals, new ProcessInterval(now, false, read, write, delayMs));
        }
        return intervals;
    }

    private static void keepIfTouchedDisk(List<ProcessInterval> intervals, ProcessInterval interval) {
        if (interval.touchedDisk()) {
            intervals.add(interval);
        }
    }

    /**
     * The one known child reaped in the interval is charged with what its parent inherited beyond
     * the child's counters we last saw, which is its I/O from our last read until it exited.
     * With several children gone at once there is no telling whose bytes are whose, so none is named.
     */
    private static ProcessInterval exitedChild(ProcessReading child, long parentRead, long parentWrite) {
        return new ProcessInterval(child, true,
                Math.max(0, parentRead - child.io().readBytes()),
                Math.max(0, parentWrite - child.io().writeBytes()),
                null);
    }

    private static boolean reapedChildren(ProcStat was, ProcStat now) {
        // Reaping adds the child's CPU time and faults to these; every exec'd child has faults.
        return now.childMinorFaults() > was.childMinorFaults() || now.childMajorFaults() > was.childMajorFaults()
                || now.childUserTicks() > was.childUserTicks() || now.childSystemTicks() > was.childSystemTicks();
    }

    private static Map<Integer, List<ProcessReading>> exitedChildrenByParent(ProcessTable before, ProcessTable after) {
        Map<Integer, List<ProcessReading>> exited = new HashMap<>();
        for (ProcessReading gone : before.processes().values()) {
            // One we could not read this time is not taken for exited: its parent's jump would
            // be charged to it.
            if (after.lost(gone)) {
                exited.computeIfAbsent(gone.stat().ppid(), ppid -> new ArrayList<>()).add(gone);
            }
        }
        return exited;
    }

    private static ProcessReading bornDuringInterval(ProcessReading now) {
        ProcStat s = now.stat();
        return new ProcessReading(new ProcStat(s.pid(), s.comm(), s.state(), s.ppid(), 0, 0, 0, 0, s.startTicks(), 0),
                new ProcIo(0, 0), now.cmdline(), now.cgroup());
    }
}
