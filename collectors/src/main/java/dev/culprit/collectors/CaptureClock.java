package dev.culprit.collectors;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock of a replayed capture: set to the moment each saved reading was taken, so that a
 * sampler or poller driven over saved data stamps events with the data's own time.
 */
public final class CaptureClock extends Clock {

    private volatile long millis;

    public CaptureClock(long millis) {
        this.millis = millis;
    }

    public void set(long millis) {
        this.millis = millis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // the capture's instants are what matter; they are the same in every zone
    }
}
