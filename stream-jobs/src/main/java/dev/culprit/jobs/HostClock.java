package dev.culprit.jobs;

import java.util.HashMap;
import java.util.Map;

/**
 * One host's own event time, as {@link DetectorFunction} judges it: how far each of the host's
 * streams (one per kind of event: its CPU samples, its disk samples, its mail log…) has got, and
 * up to where its events have been handed to the detector. A host's time never depends on another
 * host's: a host whose clock runs an hour ahead, or one shipping an hour of backlog, moves only its
 * own time.
 *
 * @param newestByStream the newest event time seen on each stream of the host
 * @param heardAtByStream when (wall clock, ms) each stream last delivered an event
 * @param released event time up to which the host's events have been judged
 * @param heardAt when (wall clock, ms) the host last delivered any event
 */
public record HostClock(Map<String, Long> newestByStream, Map<String, Long> heardAtByStream, long released, long heardAt) {

    static final HostClock NEW = new HostClock(Map.of(), Map.of(), Long.MIN_VALUE, Long.MIN_VALUE);

    public HostClock {
        newestByStream = Map.copyOf(newestByStream);
        heardAtByStream = Map.copyOf(heardAtByStream);
    }

    /** The host's time after an event of {@code stream} at {@code ts}, delivered at {@code wallMs}. */
    HostClock heard(String stream, long ts, long wallMs) {
        Map<String, Long> newest = new HashMap<>(newestByStream);
        newest.merge(stream, ts, Math::max);
        Map<String, Long> heard = new HashMap<>(heardAtByStream);
        heard.put(stream, wallMs);
        return new HostClock(newest, heard, released, wallMs);
    }

    HostClock releasedTo(long ts) {
        return new HostClock(newestByStream, heardAtByStream, Math.max(released, ts), heardAt);
    }

    /** The newest event time the host has sent on any stream. */
    long newest() {
        return newestByStream.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    }

    /**
     * Up to where the host's events can be judged in order at {@code wallMs}: every stream still
     * delivering has passed it by {@code outOfOrderness}. A stream counts as still delivering while
     * it was heard within {@code idleAfterMs} of wall time and is not more than {@code lagLimitMs}
     * of event time behind the host's newest (a kind of event the host stopped sending must not
     * hold back the others); when no stream counts, everything the host sent can be judged.
     *
     * <p>A stream heard before {@code listeningSinceMs} (when the judging task started, after a
     * restore) counts as heard then: the task's own downtime is not the stream's silence, and
     * after a failover the stream whose backlog happens to be read first must not run ahead of
     * the host's other streams, whose backlog is still on its way.
     */
    long judgeableTo(long wallMs, long listeningSinceMs, long outOfOrderness, long idleAfterMs, long lagLimitMs) {
        long newest = newest();
        long slowest = Long.MAX_VALUE;
        for (Map.Entry<String, Long> stream : newestByStream.entrySet()) {
            Long heard = heardAtByStream.get(stream.getKey());
            boolean delivering = heard != null && wallMs - Math.max(heard, listeningSinceMs) < idleAfterMs
                    && newest - stream.getValue() <= lagLimitMs;
            if (delivering) {
                slowest = Math.min(slowest, stream.getValue() - outOfOrderness);
            }
        }
        return slowest == Long.MAX_VALUE ? newest : slowest;
    }
}
