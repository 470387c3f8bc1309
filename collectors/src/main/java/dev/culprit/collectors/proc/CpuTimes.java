package dev.culprit.collectors.proc;

/**
 * The aggregate {@code cpu} line of {@code /proc/stat}, in clock ticks since boot. Guest time is
 * already included in user and nice, so it is not added again to the total.
 */
public record CpuTimes(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {

    public long total() {
        return user + nice + system + idle + iowait + irq + softirq + steal;
    }

    /** Parses {@code /proc/stat}'s first line ({@code cpu  10336 0 4780 ...}). */
    public static CpuTimes parse(String statText) {
        for (String line : statText.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 9) {
                    throw new IllegalArgumentException("/proc/stat: cpu line has " + (f.length - 1)
                            + " fields, expected at least 8: " + line);
                }
                return new CpuTimes(num(f, 1), num(f, 2), num(f, 3), num(f, 4), num(f, 5), num(f, 6), num(f, 7), num(f, 8));
            }
        }
        throw new IllegalArgumentException("/proc/stat: no aggregate 'cpu' line");
    }

    private static long num(String[] fields, int i) {
        try {
            return Long.parseLong(fields[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/proc/stat: cpu field " + i + " is not a number: " + fields[i]);
        }
    }
}
