package dev.culprit.jobs.sinks;

import dev.culprit.events.EncodedEvent;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.RawEventStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every host event in H2 ({@link RawEventStore}), as the bytes it arrived in, so that {@code culprit capture} can cut any
 * stretch of the last days into an archive. Host events are many (thousands a second under
 * attack), so they are written in batches: when a batch is full, on Flink's flush (checkpoint,
 * end of input) and at the latest {@code maxDelay} after the oldest buffered event arrived.
 * Rows older than the retention are deleted when the writer starts and then once an hour.
 */
public final class RawEventSink implements Sink<EncodedEvent> {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    private static final int BATCH_SIZE = 1000;
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);
    private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(RawEventSink.class);

    private final DatabaseAccess database;
    private final Duration retention;
    private final int batchSize;

    /** @param retention how long raw events are kept, e.g. {@link #DEFAULT_RETENTION} */
    public RawEventSink(DatabaseAccess database, Duration retention) {
        this(database, retention, BATCH_SIZE);
    }

    /** A batch size of its own, so a test can show that time alone moves a quiet buffer to the database. */
    RawEventSink(DatabaseAccess database, Duration retention, int batchSize) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("raw event retention must be positive, was " + retention);
        }
        this.database = database;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    @Override
    public SinkWriter<EncodedEvent> createWriter(WriterInitContext context) {
        // every parallel writer shares the one table; one of them deleting old rows is enough
        boolean keepsRetention = context.getTaskInfo().getIndexOfThisSubtask() == 0;
        return new Writer(new RawEventStore(Database.at(database)), context.getProcessingTimeService(), keepsRetention);
    }

    private final class Writer implements SinkWriter<EncodedEvent> {
        private final RawEventStore store;
        private final ProcessingTimeService time;
        private final boolean keepsRetention;
        private final List<EncodedEvent> buffer = new ArrayList<>();
        private boolean timerPending;
        private long nextRetentionAt;

        Writer(RawEventStore store, ProcessingTimeService time, boolean keepsRetention) {
            this.store = store;
            this.time = time;
            this.keepsRetention = keepsRetention;
            applyRetention();
        }

        @Override
        public void write(EncodedEvent event, Context context) throws InterruptedException {
            buffer.add(event);
            if (buffer.size() >= batchSize) {
                writeBuffer();
            } else if (!timerPending) {
                // without checkpoints Flink may never call flush, and a quiet stream would keep its last
                // events in memory; the timer runs on the task thread, so it never races write
                timerPending = true;
                time.registerTimer(time.getCurrentProcessingTime() + MAX_DELAY.toMillis(), now -> {
                    timerPending = false;
                    writeBuffer();
                });
            }
        }

        @Override
        public void flush(boolean endOfInput) throws InterruptedException {
            writeBuffer();
        }

        @Override
        public void close() {
            // a cancelled job still leaves its last second of events for capture, if the database takes them now
            if (!buffer.isEmpty()) {
                try {
                    store.saveEncoded(buffer);
                } catch (RuntimeException e) {
                    LOG.warn("{} raw event(s) not stored at the job's stop; they are read from Kafka again on its next start: {}",
                            buffer.size(), e.getMessage());
                }
                buffer.clear();
            }
        }

        private void writeBuffer() throws InterruptedException {
            if (!buffer.isEmpty()) {
                RetriedWrites.untilDone("storing " + buffer.size() + " raw event(s)", () -> store.saveEncoded(buffer));
                buffer.clear();
            }
            applyRetention();
        }

        private void applyRetention() {
            long now = time.getCurrentProcessingTime();
            if (!keepsRetention || now < nextRetentionAt) {
                return;
            }
            nextRetentionAt = now + RETENTION_INTERVAL.toMillis();
            long cutoff = now - retention.toMillis();
            int deleted;
            try {
                deleted = store.deleteOlderThan(cutoff);
            } catch (RuntimeException e) {
                // old rows can wait for the next hour; new ones must not wait for them
                LOG.warn("raw events older than {} not deleted, tried again in {}: {}", Instant.ofEpochMilli(cutoff),
                        RETENTION_INTERVAL, e.getMessage());
                return;
            }
            if (deleted > 0) {
                LOG.info("deleted {} raw event(s) older than {} (retention {})", deleted, Instant.ofEpochMilli(cutoff), retention);
            }
        }
    }
}
