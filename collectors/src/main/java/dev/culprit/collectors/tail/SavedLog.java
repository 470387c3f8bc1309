package dev.culprit.collectors.tail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A log read once from its beginning to its end: a live log, a rotated one ({@code mail.log.1}),
 * or one logrotate compressed ({@code mail.log.2.gz}, told by gzip's magic bytes, not its name).
 * Offsets count bytes of the uncompressed text. A last line without a newline is complete here:
 * nothing is writing it any more.
 */
public final class SavedLog implements AutoCloseable {

    private static final int MAX_BATCH_BYTES = 1 << 20;

    private final Path file;
    private final InputStream in;
    /** Bytes read from the file and not yet taken: {@code chunk[start..end)}. */
    private final byte[] chunk = new byte[64 * 1024];
    private int start;
    private int end;
    private long offset;

    private SavedLog(Path file, InputStream in) {
        this.file = file;
        this.in = in;
    }

    public static SavedLog open(Path file) throws IOException {
        return new SavedLog(file, text(file));
    }

    /** The file's bytes, uncompressed when it is gzip. */
    public static InputStream text(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new BufferedInputStream(new GZIPInputStream(in)) : in;
    }

    /** The next lines, about 1 MiB of them at most; empty at the end of the file. */
    public List<LogLine> next() throws IOException {
        List<LogLine> lines = new ArrayList<>();
        LineBuffer pending = new LineBuffer();
        long lineStart = offset;
        long read = 0;
        // Whole lines until the batch holds about MAX_BATCH_BYTES; the line that limit falls in is
        // finished in this batch, however long.
        while (read < MAX_BATCH_BYTES || !pending.isEmpty()) {
            if (start == end && !fill()) {
                if (!pending.isEmpty()) {
                    lines.add(pending.take(file, lineStart)); // the end of the file
                }
                break;
            }
            int newline = start;
            while (newline < end && chunk[newline] != '\n') {
                newline++;
            }
            pending.add(chunk, start, newline - start);
            int consumed = newline - start + (newline < end ? 1 : 0);
            start += consumed;
            offset += consumed;
            read += consumed;
            if (newline < end) {
                lines.add(pending.take(file, lineStart));
                lineStart = offset;
            }
        }
        return lines;
    }

    /** Reads the next bytes of the file into {@link #chunk}; false at its end. */
    private boolean fill() throws IOException {
        int n = in.read(chunk, 0, chunk.length);
        start = 0;
        end = Math.max(n, 0);
        return n > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
