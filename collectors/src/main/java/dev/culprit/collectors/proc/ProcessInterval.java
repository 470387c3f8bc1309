package dev.culprit.collectors.proc;

import java.util.Comparator;

/**
 * What one process did with the disk between two reads.
 *
 * @param exited the process was reaped during the interval; its bytes are what its reaper
 *     inherited beyond the counters last seen on it and on everything that vanished with it
 * @param blkioDelayMs time blocked on block I/O, or null when delay accounting is off (or for an
 *     exited process, whose last delay is not inherited by anyone)
 */
record ProcessInterval(ProcessReading process, boolean exited, long readBytes, long writeBytes, Long blkioDelayMs) {

    /** Most blocked first when delay accounting is on; then most bytes; then caught in D. */
    static final Comparator<ProcessInterval> CULPRIT_FIRST = Comparator
            .comparingLong((ProcessInterval i) -> i.blkioDelayMs == null ? 0 : i.blkioDelayMs)
            .thenComparingLong(i -> i.readBytes + i.writeBytes)
            .thenComparing(ProcessInterval::inD)
            .reversed();

    boolean inD() {
        return !exited && process.stat().state() == 'D';
    }

    String state() {
        return exited ? "X" : String.valueOf(process.stat().state());
    }

    /**
     * A figure beyond twice what the host's disks and page cache took in: not this process's I/O.
     * Up to twice is what reading /proc non-atomically can make of a real writer's bytes (see
     * {@link ProcessSampler}); beyond, the bytes are another interval's or another process's.
     */
    boolean impossibleWithin(HostIoCounters.Bound bound) {
        return readBytes > 2 * bound.readBytes() || writeBytes > 2 * bound.writeBytes();
    }

    /** This interval with impossible figures dropped and the rest at most the bound; its waiting on the disk still holds. */
    ProcessInterval within(HostIoCounters.Bound bound) {
        return new ProcessInterval(process, exited, bounded(readBytes, bound.readBytes()), bounded(writeBytes, bound.writeBytes()),
                blkioDelayMs);
    }

    private static long bounded(long bytes, long bound) {
        return bytes > 2 * bound ? 0 : Math.min(bytes, bound);
    }

    /** Worth sending: it moved bytes to or from a disk, or waited on one. */
    boolean touchedDisk() {
        return readBytes > 0 || writeBytes > 0 || inD() || (blkioDelayMs != null && blkioDelayMs > 0);
    }
}
