package dev.culprit.collectors.proc;

/**
 * The fields of {@code /proc/PID/stat} that say what a process is doing with the disk.
 *
 * @param childMinorFaults {@code cminflt} (field 11); with the other {@code c*} fields it grows
 *     when the process reaps a child, which is also when the kernel adds the child's I/O to it
 * @param startTicks {@code starttime} (field 22), clock ticks after boot; with the pid it tells a
 *     process from a later one that reuses its pid
 * @param blkioTicks {@code delayacct_blkio_ticks} (field 42); 0 when the kernel is too old to
 *     print it or delay accounting is off
 */
public record ProcStat(
        int pid, String comm, char state, int ppid,
        long childMinorFaults, long childMajorFaults, long childUserTicks, long childSystemTicks,
        long startTicks, long blkioTicks) {

    /** Parses one {@code /proc/PID/stat}; throws {@link IllegalArgumentException} naming the bad field. */
    public static ProcStat parse(String text) {
        // comm (field 2) may hold spaces, parentheses and ") "; it is at most 15 bytes and the
        // fields after it never contain ')', so the last ')' is where comm ends.
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            throw new IllegalArgumentException("/proc/PID/stat: no '(comm)' in: " + abbreviate(text));
        }
        String[] rest = text.substring(close + 1).trim().split("\\s+");
        // rest[0] is field 3; field n is rest[n - 3]
        if (rest.length < 20 || rest[0].length() != 1) {
            throw new IllegalArgumentException("/proc/PID/stat: expected state and at least 22 fields after comm: "
                    + abbreviate(text));
        }
        return new ProcStat(
                (int) number(text.substring(0, open).trim(), 1),
                text.substring(open + 1, close),
                rest[0].charAt(0),
                (int) number(rest[1], 4),
                number(rest[11 - 3], 11), number(rest[13 - 3], 13),
                number(rest[16 - 3], 16), number(rest[17 - 3], 17),
                number(rest[22 - 3], 22),
                rest.length > 42 - 3 ? number(rest[42 - 3], 42) : 0);
    }

    private static long number(String field, int index) {
        try {
            long value = Long.parseLong(field);
            if (value < 0 || (index <= 4 && value > Integer.MAX_VALUE)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/proc/PID/stat: field " + index + " is not a count: " + abbreviate(field));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
