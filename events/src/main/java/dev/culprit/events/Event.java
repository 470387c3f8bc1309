package dev.culprit.events;

/**
 * Something a host showed about itself, or something Culprit concluded from it.
 *
 * <p>Every event names the {@code host} it is about, the {@code source} that produced it, its
 * event time {@code ts} (epoch millis, taken from the source itself) and the schema version
 * {@code v} it was written with.
 */
public sealed interface Event
        permits CpuSample, DiskSample, ProcessIoSample, ApacheStatus, AccessTally, EvasiveEvent, PhpMail,
                DeadLetter, Alert, Incident {

    String host();

    String source();

    long ts();

    int v();
}
