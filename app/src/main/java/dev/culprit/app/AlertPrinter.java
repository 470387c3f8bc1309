package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows {@code culprit.alerts} and prints one readable line per alert; colour only on a terminal. */
public final class AlertPrinter implements AutoCloseable {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final KafkaConsumer<String, byte[]> consumer;
    private final PrintStream out;
    private final boolean colour;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong printed = new AtomicLong();
    private final Thread thread;

    public AlertPrinter(String bootstrapServers, PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        // Only alerts raised from now on: history is for `culprit query`.
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "culprit-alert-printer");
        thread.setDaemon(true);
        thread.start();
    }

    public long printed() {
        return printed.get();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.println(format(EventCodec.decode(r.value(), Alert.class), colour));
                    out.flush();
                    printed.incrementAndGet();
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** {@code 2026-11-29 21:30:11  FIRING    iowait  warning   web1  I/O wait on web1: ...  [vda ...]} */
    public static String format(Alert alert, boolean colour) {
        var i = alert.incident();
        String state = alert.state().name();
        String culprits = i.culprits().isEmpty() ? "" : "  culprits: " + i.culprits().stream()
                .map(AlertPrinter::describe).collect(Collectors.joining("; "));
        String line = String.format(Locale.ROOT, "%s  %-8s  %-6s  %-8s  %s  %s%s  (incident %s)",
                TIME.format(Instant.ofEpochMilli(alert.ts())), state,
                EventCodec.mapper().convertValue(i.kind(), String.class),
                EventCodec.mapper().convertValue(i.severity(), String.class),
                i.host(), i.summary(), culprits, i.id());
        if (!colour) {
            return line;
        }
        String ansi = switch (alert.state()) {
            case FIRING -> "\u001b[31m";
            case UPDATE -> "\u001b[33m";
            case RESOLVED -> "\u001b[32m";
        };
        return ansi + line + "\u001b[0m";
    }

    private static String describe(Culprit c) {
        String evidence = c.evidence().entrySet().stream()
                .filter(e -> e.getValue() != 0)
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.1f", e.getValue()))
                .collect(Collectors.joining(" "));
        return c.role() + " " + c.name() + (evidence.isEmpty() ? "" : " (" + evidence + ")");
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
