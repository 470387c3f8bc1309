package dev.culprit.collectors.proc;

/**
 * {@code /proc/pressure/io}: the share of recent time in which some (or all) tasks were stalled
 * on I/O, and the cumulative stall time in microseconds.
 */
public record IoPressure(double someAvg10, double fullAvg10, long someTotalUs, long fullTotalUs) {

    /** Parses the two lines {@code some avg10=1.93 avg60=... total=N} and {@code full ...}. */
    public static IoPressure parse(String text) {
        double someAvg10 = Double.NaN;
        double fullAvg10 = 0;
        long someTotal = -1;
        long fullTotal = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 0 || f[0].isEmpty()) {
                continue;
            }
            double avg10 = Double.parseDouble(value(f, "avg10", line));
            long total = Long.parseLong(value(f, "total", line));
            switch (f[0]) {
                case "some" -> { someAvg10 = avg10; someTotal = total; }
                case "full" -> { fullAvg10 = avg10; fullTotal = total; }
                default -> throw new IllegalArgumentException("/proc/pressure/io: unknown line kind '" + f[0] + "'");
            }
        }
        if (someTotal < 0) {
            throw new IllegalArgumentException("/proc/pressure/io: no 'some' line");
        }
        return new IoPressure(someAvg10, fullAvg10, someTotal, fullTotal);
    }

    private static String value(String[] fields, String key, String line) {
        for (String field : fields) {
            if (field.startsWith(key + "=")) {
                return field.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("/proc/pressure/io: no " + key + "= in: " + line);
    }
}
