package dev.culprit.collectors.proc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The per-process arithmetic between two {@link ProcessTable}s, including the kernel's habit of
 * adding a reaped child's I/O counters to its parent's {@code /proc/PID/io}.
 *
 * <p>What a parent inherits is the child's whole count, and that count already holds everything
 * the child itself reaped: when {@code timeout} ends, it, its {@code bash -c} and bash's last
 * {@code dd} vanish together and {@code timeout}'s parent inherits thirty seconds of dd at once.
 * So a vanished process is grouped with its reaper, the first ancestor (by the parents we last
 * saw) that is still alive; every process of that vanished subtree counted its last-seen bytes
 * before, and only what the reaper's jump holds beyond all of them is new.
 */
final class ProcessIntervals {

    /** USER_HZ, the unit of stat's tick fields; 100 on every architecture a web host runs. */
    static final long MS_PER_TICK = 10;

    private ProcessIntervals() {}

    /** Every process that touched a disk between {@code before} and {@code after}, unranked. */
    static List<ProcessInterval> between(ProcessTable before, ProcessTable after) {
        Map<Integer, List<ProcessReading>> vanishedByReaper = vanishedByReaper(before, after);
        Set<Integer> parents = parentsIn(before);
        List<ProcessInterval> intervals = new ArrayList<>();
        for (ProcessReading now : after.processes().values()) {
            ProcessReading was = baseline(before, now);
            if (was == null) {
                continue;
            }
            long read = Math.max(0, now.io().readBytes() - was.io().readBytes());
            long write = Math.max(0, now.io().writeBytes() - was.io().writeBytes());
            List<ProcessReading> vanished = vanishedByReaper.getOrDefault(now.pid(), List.of());
            if (reapedChildren(was.stat(), now.stat()) || !vanished.isEmpty()) {
                // The kernel has just added the reaped processes' whole I/O to this one, and
                // nothing tells its own share apart from theirs. A parent that only waits (a
                // shell, timeout, sudo, xargs, make, a pre-fork master) has none, so the
                // interval's bytes are not its own: reporting 0 loses a busy parent's own I/O for
                // one interval, reporting the jump would blame it for gigabytes it never wrote.
                Optional<ProcessReading> owner = owner(vanished, parents);
                if (owner.isPresent()) {
                    keepIfTouchedDisk(intervals, exited(owner.get(), vanished, read, write));
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

    /**
     * What every process with an honest baseline cancelled in the interval: bytes counted as
     * written that no disk will see. A reaper's inherited count is in it too, which only loosens
     * the bound it goes into.
     */
    static long cancelledWriteBytes(ProcessTable before, ProcessTable after) {
        long cancelled = 0;
        for (ProcessReading now : after.processes().values()) {
            ProcessReading was = baseline(before, now);
            if (was != null) {
                cancelled += Math.max(0, now.io().cancelledWriteBytes() - was.io().cancelledWriteBytes());
            }
        }
        return cancelled;
    }

    /** {@code now}'s reading in {@code before}; zeros when born since; null when it has no honest one. */
    private static ProcessReading baseline(ProcessTable before, ProcessReading now) {
        ProcessReading was = before.processes().get(now.pid());
        if (now.sameProcess(was)) {
            return was;
        }
        // Listed but unreadable last time, and started before: it was there, with counts we never saw.
        if (was == null && before.listed().contains(now.pid()) && now.stat().startTicks() * MS_PER_TICK < before.uptimeMs()) {
            return null;
        }
        // Not listed last time, it was born after the listing, so everything it counted happened in
        // this interval, even when its start (in 10 ms ticks) reads as a moment before /proc/uptime did.
        return bornDuringInterval(now);
    }

    private static void keepIfTouchedDisk(List<ProcessInterval> intervals, ProcessInterval interval) {
        if (interval.touchedDisk()) {
            intervals.add(interval);
        }
    }

    /**
     * Who of a reaper's vanished subtree did the I/O it just inherited. A process that had a child
     * at our last read, or had ever reaped one (its {@code c*} fields are above 0), is a parent:
     * timeout, sudo, xargs, make and shells only wait for their children, so they are not owners.
     * When exactly one of the vanished is not a parent, it is the writer. With several, there is no
     * telling whose bytes are whose; with none, the bytes are those of children we never read (born
     * and reaped between two reads, or gone before we read them): either way none is named.
     */
    private static Optional<ProcessReading> owner(List<ProcessReading> vanished, Set<Integer> parents) {
        List<ProcessReading> writers = vanished.stream()
                .filter(p -> !parents.contains(p.pid()) && !hasReaped(p.stat()))
                .toList();
        return writers.size() == 1 ? Optional.of(writers.get(0)) : Optional.empty();
    }

    /**
     * The owner is charged with what its reaper inherited beyond the counters last seen on every
     * process of the subtree, which is the subtree's I/O from our last read until it was reaped.
     * That includes the I/O of children born and reaped in between (the next dd of a loop): they
     * are the owner's siblings running the same command more often than not, and they are not
     * anyone's we could name.
     */
    private static ProcessInterval exited(ProcessReading owner, List<ProcessReading> vanished, long reaperRead, long reaperWrite) {
        long seenRead = vanished.stream().mapToLong(p -> p.io().readBytes()).sum();
        long seenWrite = vanished.stream().mapToLong(p -> p.io().writeBytes()).sum();
        return new ProcessInterval(owner, true, Math.max(0, reaperRead - seenRead), Math.max(0, reaperWrite - seenWrite), null);
    }

    private static boolean reapedChildren(ProcStat was, ProcStat now) {
        // Reaping adds the child's CPU time and faults to these; every exec'd child has faults.
        return now.childMinorFaults() > was.childMinorFaults() || now.childMajorFaults() > was.childMajorFaults()
                || now.childUserTicks() > was.childUserTicks() || now.childSystemTicks() > was.childSystemTicks();
    }

    private static boolean hasReaped(ProcStat stat) {
        return stat.childMinorFaults() > 0 || stat.childMajorFaults() > 0 || stat.childUserTicks() > 0 || stat.childSystemTicks() > 0;
    }

    private static Set<Integer> parentsIn(ProcessTable table) {
        Set<Integer> parents = new HashSet<>();
        table.processes().values().forEach(p -> parents.add(p.stat().ppid()));
        return parents;
    }

    /**
     * Each process gone since {@code before}, under the pid of the ancestor that reaped it: its
     * parent if still alive, else that parent's reaper, and so on. One whose chain reaches a
     * process we never read has no known reaper and is left out. One reparented to init because
     * its parent died first is grouped with its old ancestors all the same: their jump then lacks
     * its count, which only makes the owner's charge smaller.
     */
    private static Map<Integer, List<ProcessReading>> vanishedByReaper(ProcessTable before, ProcessTable after) {
        Map<Integer, List<ProcessReading>> vanished = new HashMap<>();
        for (ProcessReading gone : before.processes().values()) {
            // One we could not read this time is not taken for vanished: its parent's jump would
            // be charged to it.
            if (!after.lost(gone)) {
                continue;
            }
            // A table is not read atomically, so pid reuse during the scan could make a chain of
            // parents loop; the set stops the walk there.
            Set<Integer> walked = new HashSet<>();
            ProcessReading up = gone;
            while (walked.add(up.pid())) {
                ProcessReading parent = before.processes().get(up.stat().ppid());
                if (parent == null) {
                    break;
                }
                if (!after.lost(parent)) {
                    vanished.computeIfAbsent(parent.pid(), pid -> new ArrayList<>()).add(gone);
                    break;
                }
                up = parent;
            }
        }
        return vanished;
    }

    private static ProcessReading bornDuringInterval(ProcessReading now) {
        ProcStat s = now.stat();
        return new ProcessReading(new ProcStat(s.pid(), s.comm(), s.state(), s.ppid(), 0, 0, 0, 0, s.startTicks(), 0),
                new ProcIo(0, 0, 0), now.cmdline(), now.cgroup());
    }
}
