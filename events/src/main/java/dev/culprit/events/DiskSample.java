package dev.culprit.events;

/**
 * One block device over one sampling interval, with the figures {@code iostat -x} prints,
 * computed from two reads of {@code /proc/diskstats}.
 *
 * @param queueSize average number of requests in flight ({@code aqu-sz})
 * @param utilPct share of the interval the device had I/O in flight ({@code %util}, capped at 100)
 */
public record DiskSample(
        String host, String source, long ts, int v,
        String device, long intervalMs,
        double readsPerSec, double writesPerSec,
        double readKbPerSec, double writeKbPerSec,
        double readAwaitMs, double writeAwaitMs,
        double queueSize, double utilPct) implements Event {

    public DiskSample {
        Schema.requireCommon(host, source, v);
        Schema.requireField(device, "device");
    }
}
