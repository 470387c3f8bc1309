package dev.culprit.app;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Schema;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.Database;
import dev.culprit.storage.DeadLetterStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Keeps what arrives on {@code culprit.deadletter} (lines collectors could not parse, records the
 * job could not read) in H2 for {@code culprit deadletters}, from a consumer of its own that
 * resumes where the last run stopped. Rows older than the raw-event retention go, as raw events
 * do. New dead letters are noticed on the console at most once a minute, by source.
 */
final class DeadLetterKeeper implements AutoCloseable {

    private static final String GROUP = "culprit-deadletters";
    private static final Duration NOTICE_EVERY = Duration.ofMinutes(1);
    private static final Duration RETENTION_EVERY = Duration.ofHours(1);

    private final KafkaConsumer<String, byte[]> consumer;
    private final DeadLetterStore store;
    private final Duration keep;
    private final Consumer<String> notices;
    private final Thread thread;
    /** Dead letters by source since the last notice, in the order sources first sent one. */
    private final Map<String, Long> unnoticed = new LinkedHashMap<>();
    private long nextNoticeNanos = System.nanoTime();
    private long nextRetentionMs;

    private DeadLetterKeeper(KafkaAccess kafka, Database database, Duration keep, Consumer<String> notices) {
        this.consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // collectors publish in transactions: keep only what they committed
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)));
        this.store = new DeadLetterStore(database);
        this.keep = keep;
        this.notices = notices;
        this.thread = new Thread(this::run, "culprit-dead-letters");
        thread.setDaemon(true);
    }

    /** @param notices gets one line now and then saying how many new dead letters came from which source */
    static DeadLetterKeeper start(KafkaAccess kafka, Database database, Duration keep, Consumer<String> notices) {
        DeadLetterKeeper keeper = new DeadLetterKeeper(kafka, database, keep, notices);
        keeper.consumer.subscribe(List.of(Topics.DEADLETTER));
        keeper.thread.start();
        return keeper;
    }

    private void run() {
        boolean warned = false;
        while (true) {
            try {
                keepRetention();
                List<DeadLetter> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    batch.add(deadLetter(record));
                }
                if (!batch.isEmpty()) {
                    store.save(batch);
                    consumer.commitSync();
                    batch.forEach(d -> unnoticed.merge(TerminalText.printable(d.source()), 1L, Long::sum));
                }
                notice();
                warned = false;
            } catch (WakeupException e) {
                return;
            } catch (KafkaException | IllegalStateException e) {
                if (!warned) {
                    notices.accept("cannot keep dead letters in history for now (" + e.getMessage() + "); retrying");
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

    /** A record that is no dead letter is kept as one of its own, so that nothing on the topic is lost unseen. */
    private static DeadLetter deadLetter(ConsumerRecord<String, byte[]> record) {
        try {
            return EventCodec.decode(record.value(), DeadLetter.class);
        } catch (EventFormatException | IllegalArgumentException e) {
            String raw = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            return new DeadLetter(record.key() == null ? "unknown" : record.key(), "deadletter-topic", record.timestamp(),
                    Schema.VERSION, record.topic() + "-" + record.partition(), record.offset(),
                    "not a dead letter: " + e.getMessage(), raw);
        }
    }

    private void notice() {
        long now = System.nanoTime();
        if (unnoticed.isEmpty() || now - nextNoticeNanos < 0) {
            return;
        }
        long total = unnoticed.values().stream().mapToLong(Long::longValue).sum();
        notices.accept(total + " new dead letter(s), input that did not parse (" + unnoticed.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + "): `culprit deadletters` shows them with file, offset and reason");
        unnoticed.clear();
        nextNoticeNanos = now + NOTICE_EVERY.toNanos();
    }

    private void keepRetention() {
        long now = System.currentTimeMillis();
        if (now >= nextRetentionMs) {
            store.deleteOlderThan(now - keep.toMillis());
            nextRetentionMs = now + RETENTION_EVERY.toMillis();
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(2));
    }
}
