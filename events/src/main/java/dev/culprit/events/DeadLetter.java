package dev.culprit.events;

/** Input that did not parse, kept verbatim with where it came from and why it was refused. */
public record DeadLetter(
        String host, String source, long ts, int v,
        String file, long offset, String reason, String raw) implements Event {

    public DeadLetter {
        Schema.requireCommon(host, source, v);
        Schema.requireField(reason, "reason");
        Schema.requireField(raw, "raw");
    }
}
