package dev.culprit.collectors.proc;

/**
 * The storage-layer counters of {@code /proc/PID/io}: bytes the process caused to be read from or
 * sent to a block device. {@code rchar}/{@code wchar} are left out on purpose: they count every
 * read and write call, page-cache hits included, so a CPU-bound reader of cached files would look
 * like a disk hog.
 */
public record ProcIo(long readBytes, long writeBytes) {

    /** Parses {@code key: value} lines; throws {@link IllegalArgumentException} when a byte count is missing or bad. */
    public static ProcIo parse(String text) {
        long read = -1;
        long write = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("read_bytes:")) {
                read = count(line);
            } else if (line.startsWith("write_bytes:")) {
                write = count(line);
            }
        }
        if (read < 0 || write < 0) {
            throw new IllegalArgumentException("/proc/PID/io: no read_bytes and write_bytes lines in: "
                    + ProcStat.abbreviate(text));
        }
        return new ProcIo(read, write);
    }

    private static long count(String line) {
        try {
            long value = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("/proc/PID/io: not a byte count: " + ProcStat.abbreviate(line));
        }
    }
}
