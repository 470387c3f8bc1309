package dev.culprit.app;

import dev.culprit.events.Alert;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands a local job's alerts back to the command that started it. Only for Flink's local
 * environment, where the job runs in this JVM: the sink itself is shipped as bytes, so it finds
 * its collection by name.
 */
final class AlertCollector implements Sink<Alert> {

    private static final ConcurrentHashMap<String, Queue<Alert>> COLLECTED = new ConcurrentHashMap<>();

    private final String name;

    AlertCollector(String name) {
        this.name = name;
        COLLECTED.put(name, new ConcurrentLinkedQueue<>());
    }

    /** The alerts collected under this name, and forgets them. */
    List<Alert> drain() {
        Queue<Alert> alerts = COLLECTED.remove(name);
        return alerts == null ? List.of() : List.copyOf(alerts);
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        Queue<Alert> target = COLLECTED.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(Alert alert, Context context) {
                target.add(alert);
            }

            @Override
            public void flush(boolean endOfInput) {
                // nothing buffered
            }

            @Override
            public void close() {
                // the collection outlives the job on purpose
            }
        };
    }
}
