package dev.culprit.collectors.proc;

import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Schema;
import java.util.Optional;

/**
 * The arithmetic of {@code iostat -x} (sysstat), applied to two reads of the kernel's counters
 * taken {@code intervalMs} apart.
 */
public final class Iostat {

    private static final long WRAP_32 = 1L << 32;
    private static final long HALF_32 = 1L << 31;

    private Iostat() {}

    /**
     * Per-device extended statistics, by sysstat's definitions ({@code iostat.c} write_ext_stat): rates
     * are deltas over the interval, awaits are time spent per completed request of that kind, {@code aqu-sz}
     * is field 11's growth per millisecond and {@code %util} field 10's share of the interval. Empty when a
     * counter went backwards other than by a 32-bit wrap (the device was re-registered, hot-swapped, or the
     * VM restored from a snapshot): there is no honest delta for that interval, and one made up would show
     * millions of I/Os a second.
     */
    public static Optional<DiskSample> disk(String host, long ts, DiskCounters before, DiskCounters after, long intervalMs) {
        try {
            double seconds = intervalMs / 1000.0;
            long reads = delta(before.reads(), after.reads());
            long writes = delta(before.writes(), after.writes());
            long discards = delta(before.discards(), after.discards());
            long flushes = delta(before.flushes(), after.flushes());
            double util = Math.min(100.0, 100.0 * delta(before.ioTicks(), after.ioTicks()) / intervalMs);
            return Optional.of(new DiskSample(host, "proc", ts, Schema.VERSION, after.device(), intervalMs,
                    reads / seconds,
                    writes / seconds,
                    discards / seconds,
                    flushes / seconds,
                    kilobytes(before.readSectors(), after.readSectors()) / seconds,
                    kilobytes(before.writeSectors(), after.writeSectors()) / seconds,
                    kilobytes(before.discardSectors(), after.discardSectors()) / seconds,
                    await(reads, before.readTicks(), after.readTicks()),
                    await(writes, before.writeTicks(), after.writeTicks()),
                    await(discards, before.discardTicks(), after.discardTicks()),
                    await(flushes, before.flushTicks(), after.flushTicks()),
                    (double) delta(before.weightedTicks(), after.weightedTicks()) / intervalMs,
                    util));
        } catch (CounterResetException e) {
            return Optional.empty();
        }
    }

    /** Sectors are 512 bytes whatever the device's own sector size. */
    private static double kilobytes(long sectorsBefore, long sectorsAfter) {
        return delta(sectorsBefore, sectorsAfter) / 2.0;
    }

    /** Milliseconds per completed request; 0 for an interval that completed none, as iostat prints it. */
    private static double await(long requests, long ticksBefore, long ticksAfter) {
        return requests == 0 ? 0 : (double) delta(ticksBefore, ticksAfter) / requests;
    }

    /**
     * CPU shares over the interval, as {@code iostat}'s avg-cpu line (sysstat's write_plain_cpu_stat): each
     * counter's growth over the growth of their sum, which leaves out guest time (already in user and nice);
     * {@code %system} holds hard and soft interrupts. Pressure is added by the caller. Empty when any of the
     * CPU counters went backwards (a restored snapshot, a CPU taken offline takes its ticks out of the sum):
     * shares of such a difference would be meaningless, even above 100 %.
     */
    public static Optional<CpuSample> cpu(String host, long ts, CpuTimes before, CpuTimes after, long intervalMs,
                                          IoPressure pressureBefore, IoPressure pressureAfter) {
        if (!after.noneBelow(before) || after.total() == before.total()) {
            return Optional.empty();
        }
        double total = after.total() - before.total();
        Double someAvg10 = pressureAfter == null ? null : pressureAfter.someAvg10();
        Double fullAvg10 = pressureAfter == null ? null : pressureAfter.fullAvg10();
        Long someStallMs = pressureBefore == null || pressureAfter == null ? null
                : Math.max(0, pressureAfter.someTotalUs() - pressureBefore.someTotalUs()) / 1000;
        return Optional.of(new CpuSample(host, "proc", ts, Schema.VERSION, intervalMs,
                pct(after.user() - before.user(), total),
                pct(after.nice() - before.nice(), total),
                pct(after.system() + after.irq() + after.softirq() - before.system() - before.irq() - before.softirq(), total),
                pct(after.iowait() - before.iowait(), total),
                pct(after.steal() - before.steal(), total),
                pct(after.idle() - before.idle(), total),
                someAvg10, fullAvg10, someStallMs));
    }

    private static double pct(long part, double total) {
        return Math.max(0, 100.0 * part / total);
    }

    /**
     * The growth of a counter that older kernels keep in 32 bits. Only a crossing of 2^32 is a wrap:
     * the counter was in the upper half of the 32-bit range and is now in the lower. Any other step
     * back is a reset.
     */
    static long delta(long before, long after) {
        if (after >= before) {
            return after - before;
        }
        if (before >= HALF_32 && before < WRAP_32 && after < HALF_32) {
            return after + WRAP_32 - before;
        }
        throw new CounterResetException();
    }

    private static final class CounterResetException extends RuntimeException {
        CounterResetException() {
            super(null, null, false, false);
        }
    }
}
