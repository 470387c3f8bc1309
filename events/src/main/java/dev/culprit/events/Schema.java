package dev.culprit.events;

import java.util.Objects;

/** The one schema version this build writes and reads, and the checks every event shares. */
public final class Schema {

    public static final int VERSION = 1;

    private Schema() {}

    static void requireCommon(String host, String source, int v) {
        if (v != VERSION) {
            throw new IllegalArgumentException(
                    "field 'v': unsupported schema version " + v + " (this build reads " + VERSION + ")");
        }
        requireField(host, "host");
        requireField(source, "source");
    }

    static <T> T requireField(T value, String field) {
        return Objects.requireNonNull(value, () -> "field '" + field + "' is required");
    }
}
