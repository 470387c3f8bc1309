package dev.culprit.collectors.tail;

import dev.culprit.collectors.LineParser;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.BatchSink;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log file followed line by line: each poll's lines are parsed, aggregated where the source
 * wants it, and spooled together with the file position they reach — one atomic append, so a
 * restart resumes exactly after the last spooled line. A line that does not parse becomes a
 * {@link DeadLetter} with file, offset and reason; it never stops the source.
 */
public final class TailedLogSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TailedLogSource.class);

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
    private final BatchSink sink;
    private final Clock clock;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong unparseable = new AtomicLong();
    private LogTailer tailer;
    private ScheduledExecutorService timer;
    private boolean failing;

    /**
     * @param key names this log in the sink's positions (stable across restarts)
     * @param resume where a previous run stopped, if it did
     * @param fromBeginning where to start without {@code resume}: true reads existing content
     *     (one-shot forensics), false starts at the end (live)
     */
    public TailedLogSource(String key, Path path, Kind kind, String host, BatchSink sink, Clock clock,
                           Optional<FilePosition> resume, boolean fromBeginning) {
        this.key = key;
        this.path = path;
        this.kind = kind;
        this.host = host;
        this.sink = sink;
        this.clock = clock;
        this.tailer = resume.isPresent() || !fromBeginning ? new LogTailer(path, resume) : LogTailer.fromBeginning(path);
        if (resume.isEmpty()) {
            // Record where we begin before reading anything: if we die before the first batch,
            // the next start resumes here instead of at a later end of the file.
            sink.write(List.of(), Map.of(key, tailer.position()));
        }
    }

    /** Reads, parses and spools what is new. Returns the number of lines taken, 0 when none or the spool is full. */
    public int pollOnce() throws IOException {
        FilePosition before = tailer.position();
        LogTailer.Batch batch = tailer.poll();
        if (batch.lines().isEmpty() && batch.next().equals(before)) {
            return 0;
        }
        List<Event> events = new ArrayList<>();
        List<Event> deadLetters = new ArrayList<>();
        for (LogLine line : batch.lines()) {
            ParseResult result = parseSafely(line.text());
            if (result instanceof ParseResult.Parsed parsed) {
                events.add(parsed.event());
            } else if (result instanceof ParseResult.Unparseable bad) {
                unparseable.incrementAndGet();
                deadLetters.add(new DeadLetter(host, kind.source(), clock.millis(), Schema.VERSION,
                        line.file().toString(), line.offset(), bad.reason(), line.text()));
            }
        }
        List<Event> out = new ArrayList<>(kind.aggregation().apply(events));
        out.addAll(deadLetters);
        if (!sink.write(out, Map.of(key, batch.next()))) {
            // Sink full: keep our place; the log file itself holds the lines until there is room.
            tailer.close();
            tailer = new LogTailer(path, Optional.of(before));
            return 0;
        }
        lines.addAndGet(batch.lines().size());
        return batch.lines().size();
    }

    private ParseResult parseSafely(String line) {
        try {
            return kind.parser().parse(host, line);
        } catch (RuntimeException e) {
            // A parser bug must cost one line, not the source.
            return ParseResult.unparseable("parser failed: " + e);
        }
    }

    /** Polls every {@code interval} on its own thread until closed. */
    public void start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "culprit-tail-" + key);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollQuietly() {
        try {
            while (pollOnce() > 0) {
                // keep reading while there is a backlog
            }
            failing = false;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("cannot read {} (will keep trying): {}", path, e.toString());
            }
            failing = true;
        }
    }

    public long linesRead() {
        return lines.get();
    }

    public long unparseableLines() {
        return unparseable.get();
    }

    @Override
    public void close() throws IOException {
        if (timer != null) {
            // Not shutdownNow: an interrupt in the middle of a spool write would close its FileChannel.
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tailer.close();
    }
}
