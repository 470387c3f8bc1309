package dev.culprit.collectors.proc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the host's block devices and page cache have taken in, for bounding what any process can
 * have moved in an interval: a process's {@code read_bytes} and {@code write_bytes} count bytes
 * on their way to or from a block device, so in any interval the sum over all processes is at most
 * what the devices moved plus what is still waiting in the page cache.
 *
 * @param sectorsByDevice sectors read and written per {@code /proc/diskstats} line (512 bytes each)
 * @param dirtyBytes {@code Dirty + Writeback} of {@code /proc/meminfo}: written by processes, not yet on a disk
 */
record HostIoCounters(Map<String, Sectors> sectorsByDevice, long dirtyBytes) {

    record Sectors(long read, long written) {}

    /** What the host took in over an interval: the most all its processes together read and wrote, but for how /proc is read (see ProcessSampler). */
    record Bound(long readBytes, long writeBytes) {}

    private static final long SECTOR_BYTES = 512;

    static HostIoCounters parse(String diskstats, String meminfo) {
        Map<String, Sectors> sectors = new HashMap<>();
        for (DiskCounters d : DiskCounters.parseAll(diskstats)) {
            sectors.put(d.device(), new Sectors(d.readSectors(), d.writeSectors()));
        }
        return new HostIoCounters(sectors, kilobytes(meminfo, "Dirty:") + kilobytes(meminfo, "Writeback:"));
    }

    /**
     * The bound from {@code before} to this reading:
     * <pre>
     *   read  ≤ Σ Δ sectors read    × 512
     *   write ≤ Σ Δ sectors written × 512 + max(0, Δ (Dirty + Writeback)) + cancelled
     * </pre>
     * summed over every line of {@code /proc/diskstats}. Partitions, device-mapper, md and loop
     * devices count the same bytes again as their disks, which loosens the bound and never
     * tightens it. Dirty growth is what processes wrote into the page cache that no disk has seen
     * yet; {@code cancelled} is what they wrote that no disk will ever see (truncated or deleted
     * while dirty), summed over the processes. I/O to network file systems (NFS, FUSE) passes no
     * block device, so a host busy there can see those figures dropped; local disks are what
     * Culprit watches.
     *
     * <p>Empty when a device's counters went back or it disappeared (re-registered, hot-swapped):
     * its I/O in the interval is then unknown, and a bound without it could be too tight.
     */
    Optional<Bound> boundSince(HostIoCounters before, long cancelledWriteBytes) {
        long read = 0;
        long written = 0;
        for (Map.Entry<String, Sectors> was : before.sectorsByDevice.entrySet()) {
            Sectors now = sectorsByDevice.get(was.getKey());
            if (now == null || now.read < was.getValue().read || now.written < was.getValue().written) {
                return Optional.empty();
            }
        }
        for (Map.Entry<String, Sectors> now : sectorsByDevice.entrySet()) {
            // A device registered during the interval counted all of its I/O in it.
            Sectors was = before.sectorsByDevice.getOrDefault(now.getKey(), new Sectors(0, 0));
            read += now.getValue().read - was.read;
            written += now.getValue().written - was.written;
        }
        return Optional.of(new Bound(read * SECTOR_BYTES,
                written * SECTOR_BYTES + Math.max(0, dirtyBytes - before.dirtyBytes) + cancelledWriteBytes));
    }

    private static long kilobytes(String meminfo, String key) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(key)) {
                String[] f = line.substring(key.length()).trim().split("\\s+");
                if (f.length == 2 && f[1].equals("kB") && !f[0].isEmpty() && f[0].length() < 16
                        && f[0].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return Long.parseLong(f[0]) * 1024;
                }
                throw new IllegalArgumentException("/proc/meminfo: expected '" + key + " N kB', got: " + ProcStat.abbreviate(line));
            }
        }
        throw new IllegalArgumentException("/proc/meminfo: no " + key + " line");
    }
}
