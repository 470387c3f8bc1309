package dev.culprit.collectors.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * One device's line of {@code /proc/diskstats}: cumulative counters since boot (or since the
 * driver registered the device). Times are in milliseconds; sectors are 512 bytes.
 *
 * @param ioTicks time with I/O in flight (field 10), the base of {@code %util}
 * @param weightedTicks time-weighted requests in flight (field 11), the base of {@code aqu-sz}
 * @param discards discards completed (field 12, kernel 4.18+; 0 on a 14-column line)
 * @param flushes flush requests completed (field 16, kernel 5.5+; 0 on a 14- or 18-column line)
 */
public record DiskCounters(
        String device,
        long reads, long readSectors, long readTicks,
        long writes, long writeSectors, long writeTicks,
        long ioTicks, long weightedTicks,
        long discards, long discardSectors, long discardTicks,
        long flushes, long flushTicks) {

    /**
     * Parses every line of {@code /proc/diskstats} (kernels 2.6 to 5.5+: 14, 18 or 20 columns), leaving
     * out the 7-column partition lines of kernels before 2.6.25.
     */
    public static List<DiskCounters> parseAll(String text) {
        List<DiskCounters> all = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = fields(line.trim());
            if (f.length == 7) {
                continue; // a partition of a 2.6.0-2.6.24 kernel: four counters, none of them times; iostat -x skips it too
            }
            if (f.length < 14) {
                throw new IllegalArgumentException("/proc/diskstats line " + lineNo + ": " + f.length
                        + " columns, expected at least 14: " + line);
            }
            try {
                all.add(new DiskCounters(f[2],
                        Long.parseLong(f[3]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                        Long.parseLong(f[7]), Long.parseLong(f[9]), Long.parseLong(f[10]),
                        Long.parseLong(f[12]), Long.parseLong(f[13]),
                        column(f, 14, 18), column(f, 16, 18), column(f, 17, 18),
                        column(f, 18, 20), column(f, 19, 20)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("/proc/diskstats line " + lineNo + ": not a number (" + e.getMessage() + "): " + line);
            }
        }
        return all;
    }

    /**
     * The whitespace-separated fields of a trimmed line, as {@code split("\\s+")} gives them (one
     * empty field for an empty line), without a regular expression: diskstats has a line per device
     * and partition, read every second.
     */
    private static String[] fields(String trimmed) {
        List<String> fields = new ArrayList<>(20);
        int i = 0;
        do {
            int start = i;
            while (i < trimmed.length() && !isSpace(trimmed.charAt(i))) {
                i++;
            }
            fields.add(trimmed.substring(start, i));
            while (i < trimmed.length() && isSpace(trimmed.charAt(i))) {
                i++;
            }
        } while (i < trimmed.length());
        return fields.toArray(String[]::new);
    }

    /** What {@code \\s} matches: space, tab, newline, vertical tab, form feed, carriage return. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    /** Column {@code i}, when the line is at least {@code since} columns wide; 0 (as sysstat reads it) otherwise. */
    private static long column(String[] f, int i, int since) {
        return f.length >= since ? Long.parseLong(f[i]) : 0;
    }

    public boolean neverUsed() {
        return reads == 0 && writes == 0 && discards == 0 && flushes == 0;
    }
}
