package dev.culprit.jobs.replay;

import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.jobs.serde.JsonTypeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/**
 * Captured events as a bounded Flink source, in event-time order, at the speed asked for. The
 * job sees them exactly as it sees Kafka: the same detectors, the events' own timestamps. Pace
 * changes only when results arrive, never what they are.
 */
public final class ArchiveSource {

    /** Events handed to the job so far, per replay, for a progress display in this JVM. */
    private static final ConcurrentHashMap<String, AtomicLong> PROGRESS = new ConcurrentHashMap<>();

    private ArchiveSource() {}

    /**
     * @param speed how many times faster than they happened; 0 means as fast as the job takes them
     * @param replayId names this replay's progress counter
     */
    public static DataGeneratorSource<Event> of(List<Event> events, double speed, String replayId) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(Event::ts));
        // Records are not Serializable; their JSON and class names are, and the source is shipped to the job.
        ArrayList<String> typeList = ordered.stream().map(e -> e.getClass().getName())
                .collect(Collectors.toCollection(ArrayList::new));
        ArrayList<String> jsonList = ordered.stream().map(EventCodec::encodeToString)
                .collect(Collectors.toCollection(ArrayList::new));
        PROGRESS.put(replayId, new AtomicLong());
        return new DataGeneratorSource<>(index -> {
            int i = index.intValue();
            PROGRESS.computeIfAbsent(replayId, id -> new AtomicLong()).incrementAndGet();
            @SuppressWarnings("unchecked")
            Class<? extends Event> type = (Class<? extends Event>) Class.forName(typeList.get(i));
            return EventCodec.decode(jsonList.get(i), type);
        }, ordered.size(), pace(ordered, speed), JsonTypeInfo.of(Event.class));
    }

    public static long progress(String replayId) {
        AtomicLong counter = PROGRESS.get(replayId);
        return counter == null ? 0 : counter.get();
    }

    private static RateLimiterStrategy<?> pace(List<Event> ordered, double speed) {
        if (speed <= 0 || ordered.size() < 2) {
            return RateLimiterStrategy.noOp();
        }
        double spanSeconds = (ordered.get(ordered.size() - 1).ts() - ordered.get(0).ts()) / 1000.0;
        if (spanSeconds <= 0) {
            return RateLimiterStrategy.noOp();
        }
        return RateLimiterStrategy.perSecond(ordered.size() / (spanSeconds / speed));
    }
}
