package dev.culprit.events;

/**
 * One block device over one sampling interval, with the figures {@code iostat -x} prints,
 * computed from two reads of {@code /proc/diskstats} by sysstat's definitions. The discard and
 * flush figures are 0 where the kernel does not count them (discards before 4.18, flushes before
 * 5.5) and in archives written before they were added.
 *
 * @param readsPerSec reads completed per second ({@code r/s})
 * @param writesPerSec writes completed per second ({@code w/s})
 * @param discardsPerSec discards completed per second ({@code d/s})
 * @param flushesPerSec flush requests completed per second ({@code f/s})
 * @param readKbPerSec kilobytes read per second ({@code rkB/s})
 * @param writeKbPerSec kilobytes written per second ({@code wkB/s})
 * @param discardKbPerSec kilobytes discarded per second ({@code dkB/s})
 * @param readAwaitMs average time of a read, queueing included, in milliseconds ({@code r_await})
 * @param writeAwaitMs average time of a write ({@code w_await})
 * @param discardAwaitMs average time of a discard ({@code d_await})
 * @param flushAwaitMs average time of a flush ({@code f_await})
 * @param queueSize average number of requests in flight ({@code aqu-sz})
 * @param utilPct share of the interval the device had I/O in flight ({@code %util}, capped at 100 where iostat
 *                may print a little more when the kernel's tick accounting overshoots the interval)
 */
public record DiskSample(
        String host, String source, long ts, int v,
        String device, long intervalMs,
        double readsPerSec, double writesPerSec,
        @AbsentInOlderArchives double discardsPerSec, @AbsentInOlderArchives double flushesPerSec,
        double readKbPerSec, double writeKbPerSec,
        @AbsentInOlderArchives double discardKbPerSec,
        double readAwaitMs, double writeAwaitMs,
        @AbsentInOlderArchives double discardAwaitMs, @AbsentInOlderArchives double flushAwaitMs,
        double queueSize, double utilPct) implements Event {

    public DiskSample {
        Schema.requireCommon(host, source, v);
        Schema.requireField(device, "device");
    }
}
