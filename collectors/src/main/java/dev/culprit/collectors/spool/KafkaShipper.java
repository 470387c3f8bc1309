package dev.culprit.collectors.spool;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the spool into Kafka, exactly once. Each batch of entries and the spool offset it reaches
 * go out in one Kafka transaction (the offset to {@code culprit.checkpoints}), so after a crash or
 * an outage the shipper resumes at the last committed offset: nothing is lost and readers with
 * {@code isolation.level=read_committed} see nothing twice.
 */
public final class KafkaShipper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaShipper.class);
    private static final int BATCH_ENTRIES = 500;
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration UNEXPECTED_FAILURE_BACKOFF = Duration.ofSeconds(10);

    private final Spool spool;
    private final KafkaAccess kafka;
    private final String collectorId;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong shippedRecords = new AtomicLong();
    private final Thread thread;
    private volatile long lastShipped;
    /**
     * Whether it is known how far the spool has shipped: it is when the spool held nothing at start,
     * or once Kafka said; until then what waits is counted from the spool's start, an upper bound.
     */
    private volatile boolean knowsShipped;

    public KafkaShipper(Spool spool, KafkaAccess kafka, String collectorId) {
        this.spool = spool;
        this.kafka = kafka;
        this.collectorId = collectorId;
        this.knowsShipped = spool.bytesUsed() == 0;
        this.thread = new Thread(this::run, "culprit-shipper-" + collectorId);
        thread.setDaemon(true);
    }

    public KafkaShipper start() {
        thread.start();
        return this;
    }

    /** Records that reached Kafka in committed transactions since this shipper started. */
    public long shippedRecords() {
        return shippedRecords.get();
    }

    private void run() {
        boolean warned = false;
        while (running.get()) {
            try (KafkaProducer<String, byte[]> producer = producer()) {
                producer.initTransactions(); // fences and aborts a previous incarnation's open transaction
                long shipped = committedOffset();
                if (shipped > spool.end()) {
                    // Kafka has more from this collector than the spool ever held: it was wiped or replaced.
                    // Waiting for the spool to grow past that offset would ship nothing, maybe forever.
                    LOG.warn("the spool in {} ends at offset {}, before the offset {} Kafka has from collector '{}': "
                            + "it was wiped or replaced; shipping it from its start", spool.directory(), spool.end(), shipped, collectorId);
                    shipped = spool.start();
                }
                lastShipped = shipped;
                knowsShipped = true;
                if (warned) {
                    LOG.warn("Kafka is reachable again at {}; shipping the spool from offset {}", kafka.bootstrapServers(), shipped);
                    warned = false;
                }
                while (running.get()) {
                    List<Spool.Read> batch = spool.read(shipped, BATCH_ENTRIES, 200);
                    if (batch.isEmpty()) {
                        continue;
                    }
                    long next = batch.get(batch.size() - 1).next();
                    producer.beginTransaction();
                    int records = 0;
                    for (Spool.Read read : batch) {
                        for (EncodedEvent r : read.entry().records()) {
                            producer.send(new ProducerRecord<>(r.topic(), null, r.ts(), r.host(), r.value()));
                            records++;
                        }
                    }
                    producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, collectorId, Long.toString(next).getBytes(StandardCharsets.UTF_8)));
                    producer.commitTransaction();
                    shipped = next;
                    lastShipped = next;
                    shippedRecords.addAndGet(records);
                    spool.release(shipped);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (KafkaException | IllegalStateException e) {
                if (!warned && running.get()) {
                    LOG.warn("cannot ship to Kafka at {} ({}); spooling to disk and retrying", kafka.bootstrapServers(), e.getMessage());
                    warned = true;
                }
                sleep(RETRY_BACKOFF);
            } catch (RuntimeException e) {
                // Anything else (a spool that cannot be read, a bug) must not end shipping unseen.
                LOG.error("shipping the spool in {} failed; retrying in {} s", spool.directory(), UNEXPECTED_FAILURE_BACKOFF.toSeconds(), e);
                sleep(UNEXPECTED_FAILURE_BACKOFF);
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "culprit-collector-" + collectorId,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /** The last spool offset this collector committed to Kafka (0 when it never shipped). */
    private long committedOffset() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafka.clientConfig(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHECKPOINTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long offset = 0;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (collectorId.equals(r.key())) {
                        offset = Long.parseLong(r.value());
                    }
                }
            }
            return offset;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops shipping. The shipper is let finish what it is doing rather than interrupted: a Kafka
     * client interrupted mid-call logs its stack trace, and every call it makes is bounded by
     * {@code max.block.ms} (5 s) anyway.
     */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(10_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What is still in the spool, not yet in Kafka: it ships on the next start. */
    public record Backlog(long records, boolean exact) {}

    /**
     * The records spooled and not shipped, counted after {@link #close()}. Exact when this run
     * reached Kafka or started with an empty spool; otherwise an upper bound: what an earlier run
     * shipped may still sit in a segment not yet released.
     */
    public Backlog backlog() {
        long records = 0;
        try {
            for (long from = lastShipped; from < spool.end(); ) {
                List<Spool.Read> reads = spool.read(from, BATCH_ENTRIES, 0);
                if (reads.isEmpty()) {
                    break;
                }
                for (Spool.Read read : reads) {
                    records += read.entry().records().size();
                }
                from = reads.get(reads.size() - 1).next();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Backlog(records, knowsShipped);
    }

    /** Waits until everything spooled so far is in Kafka, or the timeout passes. */
    public boolean awaitShipped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lastShipped >= spool.end()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
