package dev.culprit.collectors.spool;

import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;

/** A Kafka record waiting in the spool: topic, key (host), timestamp (event time) and JSON value. */
public record SpooledRecord(String topic, String key, long ts, String value) {

    public static SpooledRecord of(Event event) {
        return new SpooledRecord(Topics.of(event), event.host(), event.ts(), EventCodec.encodeToString(event));
    }
}
