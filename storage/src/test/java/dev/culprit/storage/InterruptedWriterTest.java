package dev.culprit.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink interrupts a task's thread when it cancels the task (failover, stop); a thread interrupted
 * in the middle of a file write closes the file's channel under H2's feet. The database must stay
 * usable for every other writer and for the restarted task.
 */
class InterruptedWriterTest {

    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aWriterInterruptedMidWriteLeavesTheDatabaseWorkingForTheNextWriter() throws Exception {
        Database db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        RawEventStore store = new RawEventStore(db);
        AtomicInteger batches = new AtomicInteger();
        for (int round = 0; round < 20; round++) {
            int base = round * 1_000_000;
            Thread writer = new Thread(() -> {
                for (int b = 0; !Thread.currentThread().isInterrupted(); b++) {
                    try {
                        store.save(batch(base + b * 1000, 1000));
                        batches.incrementAndGet();
                    } catch (RuntimeException e) {
                        return; // the interrupted writer's own batch may fail; that is Flink's to retry
                    }
                }
            });
            writer.start();
            Thread.sleep(30 + round * 7);
            writer.interrupt();
            writer.join();
        }

        store.save(batch(-5000, 1000));

        assertThat(batches.get()).as("batches written before the interrupts").isPositive();
        assertThat(count(db)).isGreaterThanOrEqualTo(1000L * batches.get() + 1000);
    }

    private static List<Event> batch(int first, int n) {
        List<Event> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(new CpuSample("web" + (i % 200), "proc", T0 + first + i, 1, 1000, 5, 0, 5, 12, 0, 60, null, null, null));
        }
        return events;
    }

    private static long count(Database db) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM raw_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
