package dev.culprit.collectors.tail;

import java.nio.file.Path;

/**
 * One complete line of a log, with where it starts (for the dead-letter topic and for tests).
 *
 * @param cutBytes how many bytes of the line were past {@link #MAX_BYTES} and not kept (0 for
 *     every line a real server writes): the reader never holds more of one line than that
 */
public record LogLine(Path file, long offset, String text, long cutBytes) {

    /**
     * The most of one line kept: far above Apache's 8 KiB request line, and enough for a mail.log
     * line of a mail Bcc'd to some 40,000 addresses (whose event keeps {@code PhpMail.MAX_RECIPIENTS}).
     */
    public static final int MAX_BYTES = 1024 * 1024;

    public LogLine(Path file, long offset, String text) {
        this(file, offset, text, 0);
    }

    public boolean cut() {
        return cutBytes > 0;
    }
}
