package dev.culprit.collectors.spool;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.EventSink;
import dev.culprit.events.Event;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink for sampled sources (the /proc sampler, the status poller): their events cannot be
 * read again later, so they go to the spool at once. When the spool is full they are counted as
 * dropped and reported, never silently lost.
 */
public final class SpoolingPublisher implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolingPublisher.class);

    private final BatchSink spool;
    private final AtomicLong dropped = new AtomicLong();

    public SpoolingPublisher(BatchSink spool) {
        this.spool = spool;
    }

    @Override
    public void publish(Event event) {
        publishAll(List.of(event));
    }

    @Override
    public void publishAll(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        if (!spool.write(events, Map.of())) {
            if (dropped.getAndAdd(events.size()) == 0) {
                LOG.warn("spool is full (Kafka unreachable for long?): dropping samples; the count is kept");
            }
        }
    }

    /** Events that could not be spooled because the spool was full. */
    public long dropped() {
        return dropped.get();
    }
}
