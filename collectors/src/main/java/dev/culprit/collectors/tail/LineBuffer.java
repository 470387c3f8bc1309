package dev.culprit.collectors.tail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bytes of the line being read, at most {@link LogLine#MAX_BYTES} of them: a log written by an
 * attacker may hold a line of any length, and reading it must cost a bounded amount of memory.
 */
final class LineBuffer {

    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long cut;

    /** Adds {@code len} bytes of {@code bytes} from {@code off}: a run between newlines, not one byte at a time. */
    void add(byte[] bytes, int off, int len) {
        int keep = Math.min(len, Math.max(0, LogLine.MAX_BYTES - kept.size()));
        kept.write(bytes, off, keep);
        cut += len - keep;
    }

    boolean isEmpty() {
        return kept.size() == 0 && cut == 0;
    }

    /** The line read so far (without a trailing CR), starting at {@code offset}; the buffer is empty again. */
    LogLine take(Path file, long offset) {
        byte[] bytes = kept.toByteArray();
        int len = cut == 0 && bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        LogLine line = new LogLine(file, offset, new String(bytes, 0, len, StandardCharsets.UTF_8), cut);
        kept.reset();
        cut = 0;
        return line;
    }
}
