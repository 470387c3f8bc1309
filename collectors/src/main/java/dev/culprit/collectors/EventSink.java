package dev.culprit.collectors;

import dev.culprit.events.Event;

/** Where a source hands its events. Sources know nothing of Kafka. */
@FunctionalInterface
public interface EventSink {

    void publish(Event event);
}
