package dev.culprit.events;

/**
 * CPU time shares and I/O pressure over one sampling interval, as {@code /proc/stat} and
 * {@code /proc/pressure/io} show them. The shares are {@code iostat}'s avg-cpu columns, of all
 * CPUs' ticks together. Pressure fields are null on kernels without PSI.
 *
 * @param userPct time in user mode at normal priority, guests included ({@code %user})
 * @param nicePct time in user mode at lowered priority ({@code %nice}); archives written before it was
 *                added hold 0 here and this time inside {@code userPct}
 * @param systemPct time in the kernel, hard and soft interrupts included ({@code %system})
 * @param iowaitPct time idle with I/O outstanding ({@code %iowait})
 * @param stealPct time a hypervisor gave this VM's CPUs to someone else ({@code %steal}); 0 on kernels before 2.6.11
 * @param idlePct time idle with no I/O outstanding ({@code %idle})
 * @param ioSomeAvg10 {@code some avg10} of {@code /proc/pressure/io}: % of time at least one task stalled on I/O
 * @param ioFullAvg10 {@code full avg10}: % of time all non-idle tasks stalled on I/O
 * @param ioSomeStallMs growth of {@code some total} over the interval, in milliseconds
 */
public record CpuSample(
        String host, String source, long ts, int v,
        long intervalMs,
        double userPct, @AbsentInOlderArchives double nicePct, double systemPct,
        double iowaitPct, @AbsentInOlderArchives double stealPct, double idlePct,
        Double ioSomeAvg10, Double ioFullAvg10, Long ioSomeStallMs) implements Event {

    public CpuSample {
        Schema.requireCommon(host, source, v);
    }
}
