package dev.culprit.collectors.proc;

import java.util.Arrays;

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
        // Field n (from 3) spans rest[2(n-3)] to rest[2(n-3)+1]. Found by hand, not with a regex
        // split: the collector parses a thousand of these a second.
        int[] rest = fieldsAfter(text, close + 1);
        int fields = rest.length / 2;
        if (fields < 20 || rest[1] - rest[0] != 1) {
            throw new IllegalArgumentException("/proc/PID/stat: expected state and at least 22 fields after comm: "
                    + abbreviate(text));
        }
        String pid = text.substring(0, open).trim();
        return new ProcStat(
                (int) number(pid, 0, pid.length(), 1),
                text.substring(open + 1, close),
                text.charAt(rest[0]),
                (int) number(text, rest, 4),
                number(text, rest, 11), number(text, rest, 13),
                number(text, rest, 16), number(text, rest, 17),
                number(text, rest, 22),
                fields > 42 - 3 ? number(text, rest, 42) : 0);
    }

    /**
     * Start and end of each field after {@code from}, as {@code text.substring(from).trim().split("\\s+")}
     * would cut them: runs of anything but regex {@code \s} ({@code [ \t\n\x0B\f\r]}), with
     * characters up to U+0020 trimmed off both ends first. Nothing after {@code from} but those is
     * one empty field, as split gives.
     */
    private static int[] fieldsAfter(String text, int from) {
        char[] chars = text.toCharArray(); // indexing an array beats String.charAt in the client compiler the collector runs on
        int start = from;
        int end = chars.length;
        while (start < end && chars[start] <= ' ') {
            start++;
        }
        while (end > start && chars[end - 1] <= ' ') {
            end--;
        }
        int[] bounds = new int[2 * 52];
        int count = 0;
        int i = start;
        do {
            int fieldStart = i;
            while (i < end && !isRegexSpace(chars[i])) {
                i++;
            }
            if (count == bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[count++] = fieldStart;
            bounds[count++] = i;
            while (i < end && isRegexSpace(chars[i])) {
                i++;
            }
        } while (i < end);
        return Arrays.copyOf(bounds, count);
    }

    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static long number(String text, int[] rest, int index) {
        int at = 2 * (index - 3);
        return number(text, rest[at], rest[at + 1], index);
    }

    /** {@code text[begin, end)} as a count; field {@code index} names it in the error. */
    private static long number(String text, int begin, int end, int index) {
        try {
            long value = Long.parseLong(text, begin, end, 10);
            if (value < 0 || (index <= 4 && value > Integer.MAX_VALUE)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/proc/PID/stat: field " + index + " is not a count: "
                    + abbreviate(text.substring(begin, end)));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
