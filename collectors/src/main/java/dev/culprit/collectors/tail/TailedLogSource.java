package dev.culprit.collectors.tail;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceTally;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.FromLogLine;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A log file, line by line: each batch of lines is parsed, aggregated where the source wants it,
 * and written together with the file position it reaches — one atomic append, so a restart
 * resumes exactly after the last spooled line. Live, the file is followed through rotation from
 * where the last run stopped (or from its end); one-shot, it is read from its beginning, gzip or
 * not. A line that does not parse becomes a {@link DeadLetter} with file, offset and reason; it
 * never stops the source.
 */
public final class TailedLogSource implements Source {

    private static final Duration POLL = Duration.ofMillis(250);
    /** A one-shot read into a sink that is full for now waits this long before trying again. */
    private static final long FULL_SINK_WAIT_MS = 100;

    /** How a log's lines become events. */
    public record Kind(String source, LineParser parser, UnaryOperator<List<Event>> aggregation) {

        public static Kind of(String source, LineParser parser) {
            return new Kind(source, parser, UnaryOperator.identity());
        }
    }

    private final String key;
    private final Path path;
    private final Kind kind;
    private final String host;
    private final Clock clock;
    private final SourceTally tally;
    private LogTailer tailer;
    /** Whether the position live reading starts from is in the sink. */
    /** A batch parsed while the sink was full; written before anything new is read. */
    private Waiting waiting;
    private boolean startWritten;

    /**
     * @param key names this log in the sink's positions (stable across restarts)
     * @param resume where a previous run stopped, if it did; live reading of a log never read
     *     before starts at its end (live collection does not replay history)
     */
    public TailedLogSource(String key, Path path, Kind kind, String host, Clock clock, Optional<FilePosition> resume) {
        this.key = key;
        this.path = path;
        this.kind = kind;
        this.host = host;
        this.clock = clock;
        this.tally = new SourceTally(key);
        this.tailer = new LogTailer(path, resume);
        this.startWritten = resume.isPresent();
    }

    @Override
    public String name() {
        return key;
    }

    @Override
    public Duration interval() {
        return POLL;
    }

    /** Reads, parses and writes what is new; true when it took lines (there may be more). */
    @Override
    public boolean poll(BatchSink sink) throws IOException {
        if (!startWritten) {
            // Record where we begin before reading anything: if we die before the first batch,
            // the next start resumes here instead of at a later end of the file.
            startWritten = sink.write(List.of(), Map.of(key, tailer.position()));
        }
        if (waiting != null) {
            if (!tally.write(sink, waiting.events(), Map.of(key, waiting.next()))) {
                return false;
            }
            tally.read(waiting.lines());
            waiting = null;
        }
        FilePosition before = tailer.position();
        LogTailer.Batch batch = tailer.poll();
        if (batch.lines().isEmpty() && batch.next().equals(before)) {
            return false;
        }
        List<Event> events = eventsOf(batch.lines());
        if (!tally.write(sink, events, Map.of(key, batch.next()))) {
            // Sink full: the batch waits here, parsed, for room; nothing is read or parsed twice.
            waiting = new Waiting(events, batch.next(), batch.lines().size());
            return false;
        }
        tally.read(batch.lines().size());
        return !batch.lines().isEmpty();
    }

    /** A parsed batch the sink had no room for, with the position it reaches. */
    private record Waiting(List<Event> events, FilePosition next, int lines) {}

    @Override
    public void readToEnd(BatchSink sink) throws IOException {
        try (SavedLog log = SavedLog.open(path)) {
            for (List<LogLine> lines = log.next(); !lines.isEmpty(); lines = log.next()) {
                List<Event> out = eventsOf(lines);
                while (!tally.write(sink, out, Map.of())) {
                    waitForRoom();
                }
                tally.read(lines.size());
            }
        }
    }

    private static void waitForRoom() throws IOException {
        try {
            Thread.sleep(FULL_SINK_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for room in the sink", e);
        }
    }

    /** The lines' events, aggregated where the kind wants it, then their dead letters. */
    private List<Event> eventsOf(List<LogLine> lines) {
        List<Event> events = new ArrayList<>();
        List<Event> deadLetters = new ArrayList<>();
        for (LogLine line : lines) {
            ParseResult result = line.cut()
                    ? ParseResult.unparseable("line of " + (line.text().getBytes(StandardCharsets.UTF_8).length + line.cutBytes())
                            + " bytes, longer than the " + LogLine.MAX_BYTES + " a log line may have; its first "
                            + LogLine.MAX_BYTES + " are kept here")
                    : parseSafely(line.text());
            if (result instanceof ParseResult.Parsed parsed) {
                // the parser knows the line; where the line is, only the reader knows
                events.add(parsed.event() instanceof FromLogLine fromLine
                        ? fromLine.at(line.file().toString(), line.offset()) : parsed.event());
            } else if (result instanceof ParseResult.Unparseable bad) {
                deadLetters.add(new DeadLetter(host, kind.source(), clock.millis(), Schema.VERSION,
                        line.file().toString(), line.offset(), bad.reason(), line.text()));
            }
        }
        List<Event> out = new ArrayList<>(kind.aggregation().apply(events));
        out.addAll(deadLetters);
        return out;
    }

    private ParseResult parseSafely(String line) {
        try {
            return kind.parser().parse(host, line);
        } catch (RuntimeException e) {
            // A parser bug must cost one line, not the source.
            return ParseResult.unparseable("parser failed: " + e);
        }
    }

    @Override
    public SourceTally tally() {
        return tally;
    }

    @Override
    public void close() throws IOException {
        tailer.close();
    }
}
