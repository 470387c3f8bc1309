package dev.culprit.jobs.serde;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;

/**
 * A host event as the job's Kafka source took it in: decoded for the detectors, and the record's
 * own bytes for {@code raw_events}, so what is stored is what the collector sent, not a re-encoding.
 * A record that did not decode is a {@link dev.culprit.events.DeadLetter} here, with the bytes it came as.
 *
 * @param kafkaTs when the broker took the record in, by the broker's clock; null on a topic that
 *     keeps the producer's time instead (one Culprit did not create)
 */
public record ReceivedEvent(
        // the concrete event type travels with it, should Flink ever move one between tasks
        @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.CLASS) Event event,
        EncodedEvent asReceived,
        Long kafkaTs) {}
