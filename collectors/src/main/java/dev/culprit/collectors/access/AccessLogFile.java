package dev.culprit.collectors.access;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.Schema;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * One-shot reading of a whole access log, live or rotated ({@code access.log.1}) or compressed
 * by logrotate ({@code access.log.2.gz}, told by its magic bytes, not its name), into tallies
 * stamped with the log's own times. Events go to the sink as seconds complete, so memory stays
 * with the clients of the open seconds however long the file is.
 */
public final class AccessLogFile {

    /** Dead letters keep the line, but not a 100,000-character one. */
    private static final int MAX_DEAD_LETTER_CHARS = 4096;

    /** What a read found: lines in the file and how many of them were unreadable. */
    public record Summary(long lines, long unreadable) {}

    private AccessLogFile() {}

    /**
     * @param lateness see {@link AccessAggregation}
     * @param sink receives {@code AccessTally} events and a {@code DeadLetter} per unreadable line,
     *     with its byte offset in the (uncompressed) log and the time of the last line read before it
     */
    public static Summary read(Path file, AccessLogFormat format, String host, Duration lateness, Consumer<Event> sink)
            throws IOException {
        AccessAggregation aggregation = new AccessAggregation(host, file.toString(), lateness);
        long lines = 0;
        long unreadable = 0;
        long lastTs = Files.getLastModifiedTime(file).toMillis();
        try (InputStream in = open(file)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long offset = 0;
            long lineStart = 0;
            int b;
            boolean pending = false;
            while ((b = in.read()) != -1 || pending) {
                if (b != -1 && b != '\n') {
                    // Past the cap the rest of a line is only skipped: the format refuses it as too long anyway.
                    if (line.size() <= AccessLogFormat.MAX_LINE) {
                        line.write(b);
                    }
                    offset++;
                    pending = true;
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                pending = false;
                lines++;
                AccessLogFormat.Reading reading = format.read(text);
                if (reading instanceof AccessLogFormat.Request request) {
                    lastTs = request.line().ts();
                    aggregation.add(request.line()).forEach(sink);
                } else {
                    unreadable++;
                    sink.accept(new DeadLetter(host, AccessAggregation.SOURCE, lastTs, Schema.VERSION, file.toString(),
                            lineStart, ((AccessLogFormat.Unreadable) reading).reason(), LoggedText.clean(text, MAX_DEAD_LETTER_CHARS)));
                }
                offset += b == -1 ? 0 : 1;
                lineStart = offset;
            }
        }
        aggregation.flush().forEach(sink);
        return new Summary(lines, unreadable);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
