package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.events.access.RandomSecret;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a shipper resumes when what Kafka says or what the spool holds cannot be trusted: a resume
 * offset inside an entry, one that is no number, an entry that does not decode, bytes that rotted on
 * disk. Each time the shipper says so, loses nothing it can read, and goes on shipping.
 */
@Tag("slow")
class ShipperResumeTest {

    private static final long NOW = System.currentTimeMillis();

    @TempDir
    static Path kafkaDir;
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(kafkaDir, RandomSecret.generate());
        kafka.createTopics(Topics.ALL);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /**
     * The {@code seq}th sample of {@code host}, timed from the start of this class: a sample of 1970
     * would be deleted by the broker's first retention check, 30 s after its start.
     */
    private static CpuSample cpu(String host, long seq) {
        return new CpuSample(host, "proc", NOW + seq, 1, 20, 1, 0, 1, 1, 0, 97, null, null, null);
    }

    @Test
    void aResumeOffsetInsideAnEntryShipsTheSpoolFromItsStart() throws Exception {
        String host = "inside-entry";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            long secondEntry = spool.end();
            spool.write(List.of(cpu(host, 2)), Map.of());
            spool.write(List.of(cpu(host, 3)), Map.of());
            try (CapturedLog log = new CapturedLog(KafkaShipper.class);
                 KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host)) {
                // an offset Kafka holds for this collector, 8 bytes into the second entry: no spool wrote it
                Shipped.put(kafka.access(), Topics.CHECKPOINTS, shipper.checkpointKey(), Long.toString(secondEntry + 8));
                shipper.start();
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
                assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains("falls inside an entry"));
            }
        }
        assertThat(cpuTimestamps(host)).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aSpoolRolledBackAndWrittenAgainShipsWhatWasWrittenAgain() throws Exception {
        String host = "rolled-back";
        long rolledBackTo;
        try (Spool spool = Spool.open(dir, 1 << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            rolledBackTo = spool.end();
            spool.write(List.of(cpu(host, 2)), Map.of());
            spool.write(List.of(cpu(host, 3)), Map.of());
            assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).isTrue();
        }
        // the host is restored from a snapshot taken after the first sample (or the disk lost the
        // last writes it had acknowledged); it spools two samples of the same size again
        try (FileChannel ch = FileChannel.open(onlySegment(), StandardOpenOption.WRITE)) {
            ch.truncate(rolledBackTo);
        }
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 8)), Map.of());
            spool.write(List.of(cpu(host, 9)), Map.of());
            try (KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).isTrue();
            }
        }
        // Kafka's offset is the end of the spool written again: an entry's start, but of other entries
        assertThat(cpuTimestamps(host)).containsExactly(1L, 2L, 3L, 1L, 8L, 9L);
    }

    @Test
    void aResumeOffsetThatIsNoNumberShipsTheSpoolFromItsStart() throws Exception {
        String host = "no-number";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            spool.write(List.of(cpu(host, 2)), Map.of());
            try (KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host)) {
                Shipped.put(kafka.access(), Topics.CHECKPOINTS, shipper.checkpointKey(), "not an offset");
                shipper.start();
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
            }
        }
        assertThat(cpuTimestamps(host)).containsExactly(1L, 2L);
    }

    @Test
    void aSpoolWhoseResumeOffsetIsGoneFromKafkaShipsWhatItStillHoldsAgain() throws Exception {
        String host = "offset-gone";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            try (KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                spool.write(List.of(cpu(host, 1)), Map.of());
                spool.write(List.of(cpu(host, 2)), Map.of());
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).isTrue();
                // the offset record is removed (a tombstone; or the topic was deleted and created again)
                Shipped.put(kafka.access(), Topics.CHECKPOINTS, shipper.checkpointKey(), null);
            }
            spool.write(List.of(cpu(host, 3)), Map.of());
            try (KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
            }
        }
        // at least once: what the spool had not released yet goes again (raw_events stores it once), nothing is lost
        assertThat(cpuTimestamps(host)).containsExactly(1L, 2L, 1L, 2L, 3L);
    }

    @Test
    void aSpoolOfACulpritThatNamedOffsetsByHostResumesAtTheHostsOffset() throws Exception {
        String host = "upgraded";
        long shippedBeforeUpgrade;
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            spool.write(List.of(cpu(host, 2)), Map.of());
            shippedBeforeUpgrade = spool.end();
            spool.write(List.of(cpu(host, 3)), Map.of());
        }
        Files.delete(dir.resolve("spool-id")); // as the older Culprit left it
        Shipped.put(kafka.access(), Topics.CHECKPOINTS, host, Long.toString(shippedBeforeUpgrade));
        try (Spool spool = Spool.open(dir, 1 << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
            assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
        }
        assertThat(cpuTimestamps(host)).as("what the older Culprit had not shipped").containsExactly(3L);
    }

    @Test
    void anEntryThatDoesNotDecodeShipsAsADeadLetterAndWhatFollowsShips() throws Exception {
        String host = "undecodable";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
        }
        // a whole, checksummed entry claiming two billion records: decoding it used to throw
        // OutOfMemoryError, which ended the shipper's thread
        byte[] payload = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE - 8).array();
        long undecodable = appendRaw(onlySegment(), payload);
        try (Spool spool = Spool.open(dir, 1 << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
            spool.write(List.of(cpu(host, 3)), Map.of());
            assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
        }
        assertThat(cpuTimestamps(host)).containsExactly(1L, 3L);
        assertThat(deadLetters(host)).singleElement().satisfies(dead -> {
            assertThat(dead.offset()).isEqualTo(undecodable);
            assertThat(dead.reason()).contains("spool entry").contains("cannot be read");
        });
    }

    @Test
    void anEntryRottedOnDiskShipsAsADeadLetterAndTheEntriesAroundItShip() throws Exception {
        String host = "rotted";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            long rotted = spool.end();
            spool.write(List.of(cpu(host, 2)), Map.of());
            spool.write(List.of(cpu(host, 3)), Map.of());
            flipByte(onlySegment(), rotted + 40); // inside the second entry's event JSON: its checksum fails
            try (CapturedLog log = new CapturedLog(KafkaShipper.class);
                 KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("everything spooled shipped").isTrue();
                assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("ERROR").contains("checksum fails"));
            }
            assertThat(cpuTimestamps(host)).containsExactly(1L, 3L);
            assertThat(deadLetters(host)).singleElement().satisfies(dead -> assertThat(dead.offset()).isEqualTo(rotted));
        }
    }

    @Test
    void aRottedLengthSkipsTheRestOfItsSegmentAndWhatIsSpooledAfterShips() throws Exception {
        String host = "rotted-length";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            long rotted = spool.end();
            spool.write(List.of(cpu(host, 2)), Map.of());
            spool.write(List.of(cpu(host, 3)), Map.of());
            flipByte(onlySegment(), rotted + 1); // the second entry's length: where the third starts is lost
            try (KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("what could be read shipped").isTrue();
                spool.write(List.of(cpu(host, 4)), Map.of());
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("what was spooled after shipped").isTrue();
            }
            assertThat(cpuTimestamps(host)).containsExactly(1L, 4L);
            assertThat(deadLetters(host)).singleElement().satisfies(dead -> assertThat(dead.offset()).isEqualTo(rotted));
        }
    }

    @Test
    void aSpoolThatCannotBeReadIsLoggedAndShipsOnceItCanBe() throws Exception {
        String host = "unreadable-file";
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.write(List.of(cpu(host, 1)), Map.of());
            Path segment = onlySegment();
            byte[] spooled = Files.readAllBytes(segment);
            Files.delete(segment);
            Files.createDirectory(segment); // reading it fails, whoever runs the test (root reads a file of mode 000)
            try (CapturedLog log = new CapturedLog(KafkaShipper.class);
                 KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), host).start()) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (log.lines().stream().noneMatch(line -> line.startsWith("ERROR shipping the spool"))
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(log.lines()).as("said").anySatisfy(line -> assertThat(line).startsWith("ERROR shipping the spool").contains("retrying"));
                Files.delete(segment);
                Files.write(segment, spooled);
                assertThat(shipper.awaitShipped(Duration.ofSeconds(30))).as("shipped once the spool could be read").isTrue();
            }
        }
        assertThat(cpuTimestamps(host)).containsExactly(1L);
    }

    private Path onlySegment() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
        }
    }

    /** Appends a checksummed spool record around {@code payload}; returns the spool offset it starts at (the segment's base is 0). */
    private static long appendRaw(Path segment, byte[] payload) throws Exception {
        CRC32 crc = new CRC32();
        crc.update(payload);
        long at = Files.size(segment);
        ByteBuffer record = ByteBuffer.allocate(8 + payload.length)
                .putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(record);
        }
        return at;
    }

    private static void flipByte(Path segment, long position) throws Exception {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.flip();
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (one.get() ^ 0x5a)}), position);
        }
    }

    private static List<Long> cpuTimestamps(String host) {
        return Shipped.readCommitted(kafka.access(), Topics.CPU, Duration.ofSeconds(2)).stream()
                .filter(r -> host.equals(r.key()))
                .map(r -> EventCodec.decode(r.value(), CpuSample.class).ts() - NOW)
                .toList();
    }

    private static List<DeadLetter> deadLetters(String host) {
        return Shipped.readCommitted(kafka.access(), Topics.DEADLETTER, Duration.ofSeconds(2)).stream()
                .filter(r -> host.equals(r.key()))
                .map(ConsumerRecord::value)
                .map(json -> EventCodec.decode(json, DeadLetter.class))
                .toList();
    }
}
