package dev.culprit.collectors;

import dev.culprit.events.Event;
import java.util.List;

/** Where a source hands its events. Sources know nothing of Kafka. */
@FunctionalInterface
public interface EventSink {

    void publish(Event event);

    /** Events that belong together (one sample, one batch of lines); a sink may keep them as one unit. */
    default void publishAll(List<Event> events) {
        events.forEach(this::publish);
    }
}
