package dev.culprit.collectors;

import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.Event;
import java.util.List;
import java.util.Map;

/**
 * Where a source hands a batch of events together with the input positions they reach. A sink
 * that keeps both in one atomic write (the spool) lets a restart resume exactly after them.
 */
@FunctionalInterface
public interface BatchSink {

    /** Returns false, keeping nothing, when the sink has no room now; the caller retries later. */
    boolean write(List<Event> events, Map<String, FilePosition> positions);
}
