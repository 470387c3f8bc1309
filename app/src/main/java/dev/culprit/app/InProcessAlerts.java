package dev.culprit.app;

import dev.culprit.events.Alert;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Hands a local job's alerts straight to the command that started it (the console, a webhook,
 * replay's collection), with no Kafka round trip: Culprit's Flink runs in this JVM. The sink is
 * shipped to the job as bytes, so it finds its receivers by name; closing forgets them.
 */
final class InProcessAlerts implements Sink<Alert>, AutoCloseable {

    private static final ConcurrentHashMap<String, List<Consumer<Alert>>> RECEIVERS = new ConcurrentHashMap<>();

    private final String name = UUID.randomUUID().toString();

    /** @param receivers each gets every alert, in order, on the job's thread: none may block */
    InProcessAlerts(List<Consumer<Alert>> receivers) {
        RECEIVERS.put(name, List.copyOf(receivers));
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(Alert alert, Context context) {
                RECEIVERS.getOrDefault(name, List.of()).forEach(receiver -> receiver.accept(alert));
            }

            @Override
            public void flush(boolean endOfInput) {
                // nothing buffered
            }

            @Override
            public void close() {
                // the receivers belong to the command, not to the job
            }
        };
    }

    @Override
    public void close() {
        RECEIVERS.remove(name);
    }
}
