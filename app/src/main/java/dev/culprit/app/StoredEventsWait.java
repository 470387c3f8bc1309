package dev.culprit.app;

import dev.culprit.storage.DatabaseAccess;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;

/** How a bench waits for the events it sent to be stored, saying how far it has got on standard error. */
final class StoredEventsWait {

    /** What is stored so far; may read a database, so it may fail. */
    interface Count {
        long stored() throws Exception;
    }

    private StoredEventsWait() {
    }

    /**
     * The count once it reaches {@code events}, or when {@code patience} runs out: a line a second on a
     * terminal, one every ten seconds into a file, counted from {@code t0} ({@link System#nanoTime()}).
     */
    static long await(Count count, long events, Duration patience, long t0, PrintWriter err) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean tty = System.console() != null;
        long lastShown = 0;
        long stored = 0;
        while (System.nanoTime() < deadline) {
            stored = count.stored();
            long elapsedS = (System.nanoTime() - t0) / 1_000_000_000L;
            if (tty || elapsedS >= lastShown + 10) {
                err.printf(Locale.ROOT, tty ? "\r%,d of %,d events stored, %d s " : "%,d of %,d events stored, %d s%n", stored, events, elapsedS);
                err.flush();
                lastShown = elapsedS;
            }
            if (stored >= events) {
                break;
            }
            Thread.sleep(250);
        }
        if (tty) {
            err.println();
        }
        return stored;
    }

    /** Events in the history's raw_events. */
    static long rawEvents(DatabaseAccess history) throws Exception {
        try (Connection c = history.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM raw_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
