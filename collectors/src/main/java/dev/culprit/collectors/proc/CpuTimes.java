package dev.culprit.collectors.proc;

/**
 * The aggregate {@code cpu} line of {@code /proc/stat}, in clock ticks since boot. Guest time is
 * already included in user and nice, so it is not added again to the total.
 */
public record CpuTimes(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {

    public long total() {
        return user + nice + system + idle + iowait + irq + softirq + steal;
    }

    /** True when no counter is below {@code earlier}'s: the two reads can be subtracted. */
    public boolean noneBelow(CpuTimes earlier) {
        return user >= earlier.user && nice >= earlier.nice && system >= earlier.system && idle >= earlier.idle
                && iowait >= earlier.iowait && irq >= earlier.irq && softirq >= earlier.softirq && steal >= earlier.steal;
    }

    /**
     * Parses {@code /proc/stat}'s aggregate line ({@code cpu  10336 0 4780 ...}). Kernels before
     * 2.6 print four fields, 2.6.0 to 2.6.10 seven (no steal); what a kernel does not print is 0,
     * as sysstat reads it.
     */
    public static CpuTimes parse(String statText) {
        for (String line : statText.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    throw new IllegalArgumentException("/proc/stat: cpu line has " + (f.length - 1)
                            + " fields, expected at least 4 (user nice system idle): " + line);
                }
                return new CpuTimes(num(f, 1), num(f, 2), num(f, 3), num(f, 4), num(f, 5), num(f, 6), num(f, 7), num(f, 8));
            }
        }
        throw new IllegalArgumentException("/proc/stat: no aggregate 'cpu' line");
    }

    private static long num(String[] fields, int i) {
        if (i >= fields.length) {
            return 0;
        }
        try {
            return Long.parseLong(fields[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/proc/stat: cpu field " + i + " is not a number: " + fields[i]);
        }
    }
}
