package dev.culprit.jobs.replay;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.jobs.serde.JsonTypeInfo;
import dev.culprit.storage.TimeOrderedArchive;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Captured events as a bounded Flink source, in event-time order, at the speed asked for. The
 * job sees them exactly as it sees Kafka: the same detectors, the events' own timestamps. Pace
 * changes only when results arrive, never what they are.
 *
 * <p>The events are read from the archive's sorted runs as the job asks for them: what the
 * source holds is one event per run, however long the archive. The source must run with
 * parallelism 1 ({@link dev.culprit.jobs.CulpritJob#replaying} sets it), so that its one split
 * asks for the events in order.
 */
public final class ArchiveSource {

    /** Events handed to the job so far, per replay, for a progress display in this JVM. */
    private static final ConcurrentHashMap<String, AtomicLong> PROGRESS = new ConcurrentHashMap<>();

    private ArchiveSource() {}

    /**
     * @param speed how many times faster than they happened; 0 means as fast as the job takes them
     * @param replayId names this replay's progress counter
     */
    public static DataGeneratorSource<Event> of(TimeOrderedArchive archive, double speed, String replayId) {
        PROGRESS.put(replayId, new AtomicLong());
        return new DataGeneratorSource<>(new SortedRunsReader(archive.runs(), replayId), archive.count(),
                pace(archive, speed), JsonTypeInfo.of(Event.class));
    }

    public static long progress(String replayId) {
        AtomicLong counter = PROGRESS.get(replayId);
        return counter == null ? 0 : counter.get();
    }

    private static RateLimiterStrategy<?> pace(TimeOrderedArchive archive, double speed) {
        if (speed <= 0 || archive.count() < 2) {
            return RateLimiterStrategy.noOp();
        }
        double spanSeconds = (archive.lastTs() - archive.firstTs()) / 1000.0;
        if (spanSeconds <= 0) {
            return RateLimiterStrategy.noOp();
        }
        return RateLimiterStrategy.perSecond(archive.count() / (spanSeconds / speed));
    }

    /**
     * The n-th event of the merged runs for index n. Indexes come in order from the one split; a
     * restarted split (after a failover) may ask from an earlier index, and then the merge starts over.
     */
    private static final class SortedRunsReader implements GeneratorFunction<Long, Event> {
        private final TimeOrderedArchive.Runs runs;
        private final String replayId;
        private transient TimeOrderedArchive.Merged merged;
        private transient long position;
        private transient AtomicLong progress;

        SortedRunsReader(TimeOrderedArchive.Runs runs, String replayId) {
            this.runs = runs;
            this.replayId = replayId;
        }

        @Override
        public void open(SourceReaderContext context) {
            merged = runs.open();
            position = 0;
            progress = PROGRESS.computeIfAbsent(replayId, id -> new AtomicLong());
        }

        @Override
        public Event map(Long index) {
            if (index < position) {
                merged.close();
                merged = runs.open();
                position = 0;
            }
            EncodedEvent next = merged.next();
            for (; position < index; position++) {
                next = merged.next();
            }
            position++;
            progress.set(position);
            if (next == null) {
                throw new IllegalStateException("replay: the sorted runs in " + runs.dir() + " end before event " + index);
            }
            return next.decode();
        }

        @Override
        public void close() {
            if (merged != null) {
                merged.close();
            }
        }
    }
}
