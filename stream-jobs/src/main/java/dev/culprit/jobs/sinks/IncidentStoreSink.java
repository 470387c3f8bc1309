package dev.culprit.jobs.sinks;

import dev.culprit.events.Alert;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.IncidentStore;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Stores alerts and their incidents in H2. Alerts are few (one per change of an incident), so
 * each is written as it comes; the store's idempotent writes absorb redelivery after a restore.
 * A write the database refuses is retried in place ({@link RetriedWrites}).
 */
public final class IncidentStoreSink implements Sink<Alert> {

    private final DatabaseAccess database;

    public IncidentStoreSink(DatabaseAccess database) {
        this.database = database;
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        IncidentStore store = new IncidentStore(Database.at(database));
        return new SinkWriter<>() {
            @Override
            public void write(Alert alert, Context context) throws InterruptedException {
                RetriedWrites.untilDone("storing the alert of incident " + alert.incident().id() + " on " + alert.host(), () -> store.save(List.of(alert)));
            }

            @Override
            public void flush(boolean endOfInput) {
                // every write is already committed
            }

            @Override
            public void close() {
                // connections are opened per write
            }
        };
    }
}
