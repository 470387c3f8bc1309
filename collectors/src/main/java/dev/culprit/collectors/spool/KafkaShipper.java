package dev.culprit.collectors.spool;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Schema;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the spool into Kafka, exactly once. Each batch of entries and the spool offset it reaches
 * go out in one Kafka transaction (the offset to {@code culprit.checkpoints}), so after a crash or
 * an outage the shipper resumes at the last committed offset: nothing is lost and readers with
 * {@code isolation.level=read_committed} see nothing twice. Transactions and offset are named by
 * the host and its spool's {@link Spool#id() id}, so collectors of one host name (cloned hosts)
 * neither fence each other nor resume at each other's offset.
 */
public final class KafkaShipper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaShipper.class);
    private static final int BATCH_ENTRIES = 500;
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration UNEXPECTED_FAILURE_BACKOFF = Duration.ofSeconds(10);
    /**
     * How long a transaction may stay open before the broker aborts it. A collector killed with a
     * transaction open, on a host that never comes back, holds back every later record of that
     * partition from {@code read_committed} readers (other hosts' events, the job) until then; one
     * that comes back aborts it at once ({@code initTransactions}). Ours live at most the delivery
     * timeout (15 s) and a commit, so twice that aborts none of them; one aborted anyway is retried.
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(30);

    private final Spool spool;
    private final KafkaAccess kafka;
    private final String collectorId;
    /** Names this collector's transactions and its resume offset: its host and its spool's id. */
    private final String instanceId;
    /** How often a Kafka that stays out of reach is said again, after it was said at once. */
    private final Duration stillFailingEvery;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong shippedRecords = new AtomicLong();
    private final Thread thread;
    private volatile long lastShipped;
    /**
     * Whether it is known how far the spool has shipped: it is when the spool held nothing at start,
     * or once Kafka said; until then what waits is counted from the spool's start, an upper bound.
     */
    private volatile boolean knowsShipped;
    private boolean checkedCheckpointsTopic;

    public KafkaShipper(Spool spool, KafkaAccess kafka, String collectorId) {
        this(spool, kafka, collectorId, Duration.ofMinutes(1));
    }

    KafkaShipper(Spool spool, KafkaAccess kafka, String collectorId, Duration stillFailingEvery) {
        this.stillFailingEvery = stillFailingEvery;
        this.spool = spool;
        this.kafka = kafka;
        this.collectorId = collectorId;
        this.instanceId = collectorId + "/" + spool.id();
        this.knowsShipped = spool.bytesUsed() == 0;
        this.thread = new Thread(this::run, "culprit-shipper-" + collectorId);
        thread.setDaemon(true);
    }

    public KafkaShipper start() {
        thread.start();
        return this;
    }

    /** The key of this collector's resume offset in {@code culprit.checkpoints}. */
    String checkpointKey() {
        return instanceId;
    }

    /** Records that reached Kafka in committed transactions since this shipper started. */
    public long shippedRecords() {
        return shippedRecords.get();
    }

    private void run() {
        boolean warned = false;
        long failingSince = 0;
        long saidAt = 0;
        while (running.get()) {
            try (KafkaProducer<String, byte[]> producer = transactionalProducer(kafka, "culprit-collector-" + instanceId)) {
                producer.initTransactions(); // fences and aborts a previous incarnation's open transaction
                if (!checkedCheckpointsTopic) {
                    warnUnlessCheckpointsCompacted();
                    checkedCheckpointsTopic = true;
                }
                long shipped = resumeOffset(committedOffset());
                lastShipped = shipped;
                knowsShipped = true;
                if (warned) {
                    LOG.warn("Kafka is reachable again at {}; shipping the spool from offset {}", kafka.bootstrapServers(), shipped);
                    warned = false;
                }
                while (running.get()) {
                    List<Spool.Read> batch;
                    try {
                        batch = spool.read(shipped, BATCH_ENTRIES, 200);
                    } catch (Spool.UnreadableEntry unreadable) {
                        shipped = shipPast(producer, unreadable);
                        continue;
                    }
                    if (batch.isEmpty()) {
                        continue;
                    }
                    List<EncodedEvent> records = new ArrayList<>();
                    batch.forEach(read -> records.addAll(read.entry().records()));
                    Spool.Read last = batch.get(batch.size() - 1);
                    shipped = commit(producer, records, new ResumeOffset(last.next(), last.checksum()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (KafkaException | IllegalStateException e) {
                long now = System.nanoTime();
                if (!warned && running.get()) {
                    LOG.warn("cannot ship to Kafka at {} ({}); spooling to disk and retrying", kafka.bootstrapServers(), e.getMessage());
                    warned = true;
                    failingSince = now;
                    saidAt = now;
                } else if (warned && running.get() && now - saidAt >= stillFailingEvery.toNanos()) {
                    // An outage said once at its start is forgotten in a log; the spool filling up is not.
                    LOG.warn("still cannot ship to Kafka at {} after {} s ({}); {} byte(s) wait in the spool in {}",
                            kafka.bootstrapServers(), Duration.ofNanos(now - failingSince).toSeconds(), e.getMessage(),
                            spool.end() - Math.max(lastShipped, spool.start()), spool.directory());
                    saidAt = now;
                }
                sleep(RETRY_BACKOFF);
            } catch (RuntimeException | Error e) {
                // Anything else (a spool that cannot be read, a bug, even an Error) must not end
                // shipping unseen: the thread would die and the spool fill up with nobody told why.
                LOG.error("shipping the spool in {} failed; retrying in {} s", spool.directory(), UNEXPECTED_FAILURE_BACKOFF.toSeconds(), e);
                sleep(UNEXPECTED_FAILURE_BACKOFF);
            }
        }
    }

    /**
     * Where shipping resumes: a spool offset, and the checksum of the entry that ends there
     * ({@code null} when none does, past bytes that are no entry, or in an offset of an older
     * Culprit). In {@code culprit.checkpoints} it is {@code "<offset> <checksum in hex>"}.
     */
    record ResumeOffset(long offset, Integer checksum) {

        static ResumeOffset parse(String value) {
            String[] parts = value.trim().split(" ");
            return new ResumeOffset(Long.parseLong(parts[0]), parts.length > 1 ? Integer.parseUnsignedInt(parts[1], 16) : null);
        }

        String text() {
            return checksum == null ? Long.toString(offset) : offset + " " + Integer.toHexString(checksum);
        }
    }

    /** Sends {@code records} and the offset {@code next} in one transaction; returns the offset once committed. */
    private long commit(KafkaProducer<String, byte[]> producer, List<EncodedEvent> records, ResumeOffset next) {
        producer.beginTransaction();
        for (EncodedEvent r : records) {
            producer.send(new ProducerRecord<>(r.topic(), null, r.ts(), r.host(), r.value()));
        }
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS, checkpointKey(), next.text().getBytes(StandardCharsets.UTF_8)));
        producer.commitTransaction();
        lastShipped = next.offset();
        shippedRecords.addAndGet(records.size());
        spool.release(next.offset());
        return next.offset();
    }

    /**
     * Bytes of the spool that are no entry are not retried forever (they would hold up everything
     * after them): they are logged, shipped as a dead letter saying where they were and why (so
     * {@code culprit deadletters} shows the loss), and shipping goes on after them.
     */
    private long shipPast(KafkaProducer<String, byte[]> producer, Spool.UnreadableEntry unreadable) {
        long lost = unreadable.resumeAt() - unreadable.offset();
        LOG.error("{}; skipping its {} byte(s) to offset {} and shipping a dead letter for them", unreadable.getMessage(), lost, unreadable.resumeAt());
        DeadLetter dead = new DeadLetter(collectorId, "spool", System.currentTimeMillis(), Schema.VERSION,
                spool.directory().toString(), unreadable.offset(),
                unreadable.getMessage() + "; " + lost + " spooled byte(s) skipped", "");
        return commit(producer, List.of(EncodedEvent.of(dead)), new ResumeOffset(unreadable.resumeAt(), null));
    }

    /**
     * Where shipping resumes, given the offset Kafka has for this collector ({@code null}: none it
     * can read). An offset on an entry's start is trusted, unless the entry that ends there is not
     * the one shipped (its checksum differs). Any other offset was not written for this spool as it
     * is — it was wiped or replaced, rolled back and written again, or the record is garbage — so it
     * says nothing about which entries Kafka has, and the spool ships from its start: that loses
     * nothing, and repeats at most what the spool still holds (shipped segments are released, so at
     * most {@code spool.maxSize}), which the job's {@code raw_events} stores once. Resuming at the
     * entry boundary before the offset instead would repeat less, but lose the entries written
     * again after a rollback.
     */
    private long resumeOffset(ResumeOffset resume) {
        long start = spool.start();
        long end = spool.end();
        if (resume == null) {
            if (start < end) {
                LOG.info("Kafka has no resume offset for collector '{}'; shipping the spool in {} from its start (offset {})",
                        instanceId, spool.directory(), start);
            }
            return start;
        }
        long committed = resume.offset();
        if (committed > end) {
            // Kafka has more from this collector than the spool ever held: it was wiped or replaced.
            // Waiting for the spool to grow past that offset would ship nothing, maybe forever.
            LOG.warn("the spool in {} ends at offset {}, before the offset {} Kafka has from collector '{}': "
                    + "it was wiped or replaced; shipping it from its start", spool.directory(), end, committed, instanceId);
            return start;
        }
        if (committed < start) {
            LOG.warn("the offset {} Kafka has from collector '{}' is before the start {} of the spool in {}, which released "
                    + "only what Kafka had: the offset is stale; shipping the spool from its start", committed, instanceId, start, spool.directory());
            return start;
        }
        if (!spool.isEntryStart(committed)) {
            LOG.error("the offset {} Kafka has from collector '{}' falls inside an entry of the spool in {}: it was not "
                    + "written for this spool; shipping the spool from its start (offset {}), so that nothing is lost "
                    + "(what Kafka has already is sent again and stored once)", committed, instanceId, spool.directory(), start);
            return start;
        }
        Integer spooled = spool.checksumOfEntryEndingAt(committed);
        if (resume.checksum() != null && spooled != null && !spooled.equals(resume.checksum())) {
            LOG.error("the entry before offset {} of the spool in {} is not the one collector '{}' shipped up to there: the "
                    + "spool was rolled back (a restored snapshot, writes the disk lost) and written again; shipping it from its "
                    + "start (offset {}), so that nothing is lost", committed, spool.directory(), instanceId, start);
            return start;
        }
        return committed;
    }

    /**
     * A {@code culprit.checkpoints} with retention loses a collector's offset once it is away for
     * longer, and its spool ships again: Culprit's own broker compacts it, a Kafka set up otherwise
     * (or one that auto-created it on the first write) may not. Said once, with the fix; a client not
     * allowed to read topic settings is not stopped by it.
     */
    private void warnUnlessCheckpointsCompacted() {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CHECKPOINTS);
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000)))) {
            ConfigEntry policy = admin.describeConfigs(List.of(topic)).all().get(15, TimeUnit.SECONDS).get(topic)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy != null && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.warn("the topic {} at {} is not compacted (cleanup.policy={}): a collector away for longer than its retention "
                        + "finds no resume offset and ships its whole spool again. Run `kafka-configs.sh --bootstrap-server {} "
                        + "--alter --entity-type topics --entity-name {} --add-config cleanup.policy=compact`",
                        Topics.CHECKPOINTS, kafka.bootstrapServers(), policy.value(), kafka.bootstrapServers(), Topics.CHECKPOINTS);
            }
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.info("cannot check that {} is compacted: {}", Topics.CHECKPOINTS, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The producer a shipper ships with, transactions named {@code transactionalId}. */
    static KafkaProducer<String, byte[]> transactionalProducer(KafkaAccess kafka, String transactionalId) {
        return new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
    }

    /**
     * Where this collector last committed to Kafka it had shipped to; {@code null} when it never
     * shipped, or when its last record is no offset (logged).
     */
    private ResumeOffset committedOffset() {
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
            String latest = null;
            String latestOfHost = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (checkpointKey().equals(r.key())) {
                        latest = r.value();
                    } else if (collectorId.equals(r.key())) {
                        latestOfHost = r.value();
                    }
                }
            }
            if (latest == null && spool.predatesId()) {
                // A spool of a Culprit that named its offsets by host alone: until its own offset is in
                // Kafka, the host's is its offset (so an upgrade does not ship the spool again).
                latest = latestOfHost;
            }
            if (latest == null) {
                return null;
            }
            try {
                return ResumeOffset.parse(latest);
            } catch (NumberFormatException e) {
                LOG.error("the resume offset Kafka has in {} for collector '{}' is no offset: '{}'; treating it as none", Topics.CHECKPOINTS, instanceId, latest);
                return null;
            }
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
