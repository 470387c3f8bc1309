package dev.culprit.jobs.serde;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;

/**
 * A host event as the job's Kafka source took it in: decoded for the detectors, and the record's
 * own bytes for {@code raw_events}, so what is stored is what the collector sent, not a re-encoding.
 * A record that did not decode is a {@link dev.culprit.events.DeadLetter} here, with the bytes it came as.
 */
public record ReceivedEvent(
        // the concrete event type travels with it, should Flink ever move one between tasks
        @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.CLASS) Event event,
        EncodedEvent asReceived) {}
