package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

import java.util.List;

/**
 * One process's block I/O over one sampling interval. Only processes that did I/O or sat in
 * state {@code D} are sampled.
 *
 * @param startedMsAfterBoot when the process started, in milliseconds after the host booted
 *     ({@code starttime}, field 22 of {@code /proc/PID/stat}, × 10 ms): the same in every sample
 *     of one process, and with the pid it tells it from a later process given the same pid. Null
 *     in archives written before it was sent.
 * @param blkioDelayMs growth of {@code delayacct_blkio_ticks} (field 42 of {@code /proc/PID/stat})
 *     in milliseconds; null when the kernel's delay accounting is off and the field is always 0
 * @param dStateSamples how many of the interval's reads found the process in state {@code D}
 * @param containerId the docker/containerd/podman/kubepods id its cgroup names, or null
 * @param disks devices its open files live on (filled for top culprits only)
 * @param files its open regular files (filled for top culprits only)
 */
public record ProcessIoSample(
        String host, String source, long ts, int v,
        int pid,
        @NullInOlderArchives Long startedMsAfterBoot,
        int ppid, String comm, String cmdline, String state,
        long intervalMs,
        double readBytesPerSec, double writeBytesPerSec,
        Long blkioDelayMs, int dStateSamples,
        String cgroup, String containerId,
        List<String> disks, List<String> files) implements Event {

    public ProcessIoSample {
        Schema.requireCommon(host, source, v);
        Schema.requireField(comm, "comm");
        // a process names itself, its arguments and the files it opens
        comm = FieldLimit.cap(comm, FieldLimit.NAME);
        cmdline = FieldLimit.cap(cmdline, FieldLimit.NAME);
        cgroup = FieldLimit.cap(cgroup, FieldLimit.NAME);
        containerId = FieldLimit.cap(containerId, FieldLimit.NAME);
        disks = disks == null ? List.of() : FieldLimit.capEach(disks, FieldLimit.NAME);
        files = files == null ? List.of() : FieldLimit.capEach(files, FieldLimit.NAME);
    }
}
