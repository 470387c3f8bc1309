package dev.culprit.collectors;

import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source's running counts, kept as it writes: the one place that decides what counts as an
 * event, an unparseable input and a dropped one. Written by the source's thread, read by the
 * summary and the periodic log.
 */
public final class SourceTally {

    private static final Logger LOG = LoggerFactory.getLogger(SourceTally.class);

    private final String source;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong unparseable = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String lastError;

    public SourceTally(String source) {
        this.source = source;
    }

    public void read(long units) {
        read.addAndGet(units);
    }

    public void dropped(long lost) {
        dropped.addAndGet(lost);
    }

    public void failed(String error) {
        lastError = error;
    }

    /**
     * Writes {@code out} with the positions it reaches and counts it once written. Returns false,
     * counting nothing, when the sink has no room now: input that can be read again waits.
     */
    public boolean write(BatchSink sink, List<Event> out, Map<String, FilePosition> positions) {
        if (!sink.write(out, positions)) {
            return false;
        }
        for (Event event : out) {
            if (event instanceof DeadLetter dead) {
                unparseable.incrementAndGet();
                lastError = dead.file() + ": " + dead.reason();
            } else {
                events.incrementAndGet();
            }
        }
        return true;
    }

    /**
     * Writes a sample, which cannot be taken again later: when the sink has no room it is dropped
     * and counted, never silently lost.
     */
    public void writeOrDrop(BatchSink sink, List<Event> sample) {
        if (!sample.isEmpty() && !write(sink, sample, Map.of())) {
            if (dropped.getAndAdd(sample.size()) == 0) {
                LOG.warn("{}: spool is full (Kafka unreachable for long?): dropping samples; the count is kept", source);
            }
        }
    }

    public SourceCounters counters() {
        return new SourceCounters(read.get(), events.get(), unparseable.get(), dropped.get(), lastError);
    }
}
