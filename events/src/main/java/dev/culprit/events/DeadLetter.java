package dev.culprit.events;

import dev.culprit.events.text.FieldLimit;

/** Input that did not parse, kept verbatim with where it came from and why it was refused. */
public record DeadLetter(
        String host, String source, long ts, int v,
        String file, long offset, String reason, String raw) implements Event {

    public DeadLetter {
        Schema.requireCommon(host, source, v);
        // a refused line may be huge (that can be why it was refused): keep enough to see what it was
        reason = FieldLimit.cap(Schema.requireField(reason, "reason"), FieldLimit.NAME);
        raw = FieldLimit.cap(Schema.requireField(raw, "raw"), FieldLimit.RAW);
    }
}
