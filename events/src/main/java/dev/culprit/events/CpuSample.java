package dev.culprit.events;

/**
 * CPU time shares and I/O pressure over one sampling interval, as {@code /proc/stat} and
 * {@code /proc/pressure/io} show them. Pressure fields are null on kernels without PSI.
 *
 * @param iowaitPct share of CPU time spent idle with I/O outstanding, as {@code iostat}'s %iowait
 * @param ioSomeAvg10 {@code some avg10} of {@code /proc/pressure/io}: % of time at least one task stalled on I/O
 * @param ioFullAvg10 {@code full avg10}: % of time all non-idle tasks stalled on I/O
 * @param ioSomeStallMs growth of {@code some total} over the interval, in milliseconds
 */
public record CpuSample(
        String host, String source, long ts, int v,
        long intervalMs,
        double iowaitPct, double userPct, double systemPct, double idlePct,
        Double ioSomeAvg10, Double ioFullAvg10, Long ioSomeStallMs) implements Event {

    public CpuSample {
        Schema.requireCommon(host, source, v);
    }
}
