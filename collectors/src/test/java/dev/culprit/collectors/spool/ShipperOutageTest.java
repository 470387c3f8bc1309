package dev.culprit.collectors.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away for 10 s while a sampler keeps publishing: every sample arrives, once. */
@Tag("slow")
class ShipperOutageTest {

    @TempDir
    Path dir;

    @Test
    void everySampleArrivesExactlyOnceAfterATenSecondOutage() throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        String password = RandomSecret.generate();
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, password);
        int port = kafka.port();
        kafka.createTopics(Topics.ALL);
        KafkaAccess access = kafka.access();

        AtomicInteger published = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        try (CapturedLog log = new CapturedLog(KafkaShipper.class);
             Spool spool = Spool.open(dir.resolve("spool"), 64L << 20);
             KafkaShipper shipper = new KafkaShipper(spool, access, "outage-test").start()) {
            AtomicInteger refused = new AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    int seq = published.getAndIncrement();
                    CpuSample sample = new CpuSample("web1", "proc", 1_000_000L + seq, 1, 20, 1, 0, 1, 1, 0, 97, null, null, null);
                    if (!spool.write(List.<Event>of(sample), Map.of())) {
                        refused.incrementAndGet();
                    }
                    sleep(20);
                }
            });
            sampler.start();

            sleep(2_000);
            kafka.close();
            int duringOutageFrom = published.get();
            sleep(10_000);
            assertThat(published.get() - duringOutageFrom).as("samples taken while Kafka was down").isGreaterThan(300);
            kafka = EmbeddedKafka.start(kafkaDir, port, password);
            sleep(2_000);
            sampling.set(false);
            sampler.join();

            assertThat(shipper.awaitShipped(Duration.ofSeconds(60))).isTrue();
            assertThat(refused.get()).as("samples the spool had no room for").isZero();
            assertThat(log.lines()).as("the outage, said").anySatisfy(line -> assertThat(line).startsWith("WARN cannot ship to Kafka"))
                    .anySatisfy(line -> assertThat(line).startsWith("WARN Kafka is reachable again"));
        } finally {
            sampling.set(false);
        }

        List<Long> arrived = readCommitted(access);
        kafka.close();
        List<Long> expected = new ArrayList<>();
        for (int seq = 0; seq < published.get(); seq++) {
            expected.add(1_000_000L + seq);
        }
        assertThat(arrived).isEqualTo(expected);
    }

    @Test
    void aMailTooLargeForAKafkaRecordShipsAsADeadLetterAndHoldsNothingUp() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate());
        kafka.createTopics(Topics.ALL);
        List<String> bcc = new ArrayList<>();
        for (int i = 0; i < PhpMail.MAX_RECIPIENTS; i++) {
            bcc.add("subscriber-" + i + "-" + "x".repeat(100) + "@lists.example");
        }
        PhpMail huge = new PhpMail("web1", "phpmail", 1_000_000L, 1, "/var/www/html/x.php", 3, PhpMail.Origin.FILE,
                bcc, "Offer", "/var/log/php/mail.log", 4096L);
        CpuSample after = new CpuSample("web1", "proc", 1_000_001L, 1, 20, 1, 0, 1, 1, 0, 97, null, null, null);
        try (Spool spool = Spool.open(dir.resolve("spool"), 64L << 20);
             KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), "oversize-test").start()) {
            spool.write(List.of(huge), Map.of());
            spool.write(List.of(after), Map.of());
            assertThat(shipper.awaitShipped(Duration.ofSeconds(60))).as("everything spooled shipped").isTrue();
        }

        List<String> deadLetters = readValues(kafka.access(), Topics.DEADLETTER);
        List<String> samples = readValues(kafka.access(), Topics.CPU);
        kafka.close();
        assertThat(samples).hasSize(1);
        assertThat(deadLetters).hasSize(1);
        DeadLetter dead = EventCodec.decode(deadLetters.get(0), DeadLetter.class);
        assertThat(dead.file()).isEqualTo("/var/log/php/mail.log");
        assertThat(dead.offset()).isEqualTo(4096L);
        assertThat(dead.reason()).startsWith("PhpMail of ").contains("bytes is larger than the " + Spool.MAX_RECORD_BYTES);
    }

    @Test
    void aWipedSpoolShipsFromItsStartThoughKafkaHasALaterOffsetForTheCollector() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), RandomSecret.generate());
        kafka.createTopics(Topics.ALL);
        try {
            for (String life : List.of("before", "after")) {
                if (life.equals("after")) {
                    // the operator empties the spool, keeping its id; Kafka remembers the old offset (a spool
                    // removed with its directory gets a new id, and Kafka has no offset for it at all)
                    try (var files = java.nio.file.Files.list(dir.resolve("spool"))) {
                        files.filter(p -> !p.getFileName().toString().equals("spool-id")).forEach(p -> p.toFile().delete());
                    }
                }
                int samples = life.equals("before") ? 50 : 3;
                try (Spool spool = Spool.open(dir.resolve("spool"), 64L << 20);
                     KafkaShipper shipper = new KafkaShipper(spool, kafka.access(), "wiped-test").start()) {
                    for (int seq = 0; seq < samples; seq++) {
                        long ts = (life.equals("before") ? 1_000_000L : 2_000_000L) + seq;
                        spool.write(List.of(new CpuSample("web1", "proc", ts, 1, 20, 1, 0, 1, 1, 0, 97, null, null, null)), Map.of());
                    }
                    assertThat(shipper.awaitShipped(Duration.ofSeconds(60))).as("shipped, %s the wipe", life).isTrue();
                }
            }
            assertThat(readCommitted(kafka.access())).filteredOn(ts -> ts >= 2_000_000L)
                    .as("samples spooled after the wipe, in Kafka").containsExactly(2_000_000L, 2_000_001L, 2_000_002L);
        } finally {
            kafka.close();
        }
    }

    @Test
    void aShipperThatCannotReachKafkaSaysSoWhileItLastsAndShipsOnceItCan() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String password = RandomSecret.generate();
        KafkaAccess access = KafkaAccess.saslPlain("127.0.0.1:" + port, EmbeddedKafka.USER, password);
        EmbeddedKafka kafka = null;
        try (CapturedLog log = new CapturedLog(KafkaShipper.class);
             Spool spool = Spool.open(dir.resolve("spool"), 64L << 20);
             KafkaShipper shipper = new KafkaShipper(spool, access, "unreachable-test", Duration.ofSeconds(3)).start()) {
            spool.write(List.of(new CpuSample("web1", "proc", System.currentTimeMillis(), 1, 20, 1, 0, 1, 1, 0, 97, null, null, null)), Map.of());
            long deadline = System.currentTimeMillis() + 60_000;
            while (log.lines().stream().noneMatch(line -> line.startsWith("WARN still cannot ship")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertThat(log.lines()).as("said when it began and while it lasted")
                    .anySatisfy(line -> assertThat(line).startsWith("WARN cannot ship to Kafka"))
                    .anySatisfy(line -> assertThat(line).startsWith("WARN still cannot ship to Kafka").contains("wait in the spool"));

            kafka = EmbeddedKafka.start(dir.resolve("kafka"), port, password);
            kafka.createTopics(Topics.ALL);
            assertThat(shipper.awaitShipped(Duration.ofSeconds(60))).as("shipped once Kafka was there").isTrue();
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN Kafka is reachable again"));
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private static List<String> readValues(KafkaAccess access, String topic) {
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(access.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 10_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static List<Long> readCommitted(KafkaAccess access) {
        List<Long> ts = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(access.clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "outage-check",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.CPU));
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < 3_000) {
                var records = consumer.poll(Duration.ofMillis(300));
                records.forEach(r -> ts.add(EventCodec.decode(r.value(), CpuSample.class).ts()));
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        return ts;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
