package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts published on {@code culprit.alerts} from now on, handed to whoever listens (the live
 * page's open streams). It reads every partition from its end without a consumer group: a page
 * shows what happens while it is open, and history shows the rest, so nothing is committed and
 * no other reader's offsets move.
 */
final class AlertsFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertsFeed.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Consumer<Alert>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private AlertsFeed(KafkaAccess kafka) {
        consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // the job writes alerts in transactions: show only those a checkpoint committed
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        thread = new Thread(this::run, "culprit-ui-alerts");
        thread.setDaemon(true);
    }

    /** Reading from the end of every partition of the alerts topic, as of this call. */
    static AlertsFeed start(KafkaAccess kafka) {
        AlertsFeed feed = new AlertsFeed(kafka);
        try {
            List<TopicPartition> partitions = feed.consumer.partitionsFor(Topics.ALERTS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            feed.consumer.assign(partitions);
            feed.consumer.seekToEnd(partitions);
            // seekToEnd is lazy: fix the positions now, so that an alert published after start is never skipped
            partitions.forEach(p -> feed.consumer.position(p, Duration.ofSeconds(10)));
        } catch (KafkaException e) {
            feed.consumer.close(Duration.ofSeconds(1));
            throw new IllegalStateException("cannot read " + Topics.ALERTS + " on " + kafka + ": " + e.getMessage(), e);
        }
        feed.thread.start();
        return feed;
    }

    void listen(Consumer<Alert> listener) {
        listeners.add(listener);
    }

    void stopListening(Consumer<Alert> listener) {
        listeners.remove(listener);
    }

    private void run() {
        boolean warned = false;
        while (true) {
            try {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Alert alert;
                    try {
                        alert = EventCodec.decode(record.value(), Alert.class);
                    } catch (EventFormatException | IllegalArgumentException e) {
                        LOG.warn("{}-{} offset {} is not an alert, not shown: {}", record.topic(), record.partition(), record.offset(),
                                e.getMessage());
                        continue;
                    }
                    listeners.forEach(l -> l.accept(alert));
                }
                warned = false;
            } catch (WakeupException e) {
                return;
            } catch (KafkaException e) {
                if (!warned) {
                    LOG.warn("cannot read {} for now ({}); retrying", Topics.ALERTS, e.getMessage());
                    warned = true;
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(2));
    }
}
