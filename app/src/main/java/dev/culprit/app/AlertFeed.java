package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code culprit.alerts} from now on and hands each alert to its outlets (the console,
 * a webhook). History is for {@code culprit query}; outlets must not block.
 */
public final class AlertFeed implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Consumer<Alert>> outlets;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public AlertFeed(KafkaAccess kafka, List<Consumer<Alert>> outlets) {
        this.outlets = List.copyOf(outlets);
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix "now" before the job can write
        this.thread = new Thread(this::run, "culprit-alert-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Alert alert = EventCodec.decode(r.value(), Alert.class);
                    outlets.forEach(outlet -> outlet.accept(alert));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
