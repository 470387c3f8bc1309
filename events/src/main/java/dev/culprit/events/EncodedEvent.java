package dev.culprit.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An event as it travels between processes: the Kafka record a collector sends and the job
 * receives — its topic, its key (the host), its timestamp (event time) and its JSON, encoded once
 * by {@link #of} and from then on passed along as the same bytes (the spool, the shipper, the job's
 * {@code raw_events} rows).
 *
 * <p>The value array is never modified once made; equality compares its content.
 */
public record EncodedEvent(String topic, String host, long ts, byte[] value) {

    public EncodedEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(value, "value");
    }

    public static EncodedEvent of(Event event) {
        return new EncodedEvent(Topics.of(event), event.host(), event.ts(), EventCodec.encode(event));
    }

    /** The event these bytes carry, with the codec's checks ({@link EventFormatException} when they fail). */
    public Event decode() {
        return EventCodec.decode(value, Topics.typeOf(topic));
    }

    /** The JSON as text, for stores that keep it as characters. */
    public String json() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedEvent other && ts == other.ts && topic.equals(other.topic)
                && host.equals(other.host) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, host, ts, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        return "EncodedEvent[" + topic + ", " + host + ", " + ts + ", " + value.length + " bytes]";
    }
}
