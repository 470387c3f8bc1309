package dev.culprit.collectors.proc;

/**
 * The storage-layer counters of {@code /proc/PID/io}: bytes the process caused to be read from or
 * sent to a block device. {@code rchar}/{@code wchar} are left out on purpose: they count every
 * read and write call, page-cache hits included, so a CPU-bound reader of cached files would look
 * like a disk hog.
 *
 * @param cancelledWriteBytes bytes this process dirtied (or made another dirty) that will never
 *     reach a disk because it truncated or deleted the file first: counted in someone's
 *     {@code write_bytes}, in no disk's sectors
 */
public record ProcIo(long readBytes, long writeBytes, long cancelledWriteBytes) {

    /** Parses {@code key: value} lines; throws {@link IllegalArgumentException} when a byte count is missing or bad. */
    public static ProcIo parse(String text) {
        long read = -1;
        long write = -1;
        long cancelled = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("read_bytes:")) {
                read = count(line);
            } else if (line.startsWith("write_bytes:")) {
                write = count(line);
            } else if (line.startsWith("cancelled_write_bytes:")) {
                cancelled = count(line);
            }
        }
        // The kernel prints the three together (CONFIG_TASK_IO_ACCOUNTING), so one missing is not /proc/PID/io.
        if (read < 0 || write < 0 || cancelled < 0) {
            throw new IllegalArgumentException("/proc/PID/io: no read_bytes, write_bytes and cancelled_write_bytes lines in: "
                    + ProcStat.abbreviate(text));
        }
        return new ProcIo(read, write, cancelled);
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
