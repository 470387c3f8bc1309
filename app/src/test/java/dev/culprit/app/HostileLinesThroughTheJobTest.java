package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.Collector;
import dev.culprit.collectors.SourceCounters;
import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.jobs.KafkaEndpoints;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.LineMutations;
import dev.culprit.testkit.RealKafka;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile lines (210,000 in {@code mvn verify}; the parsers' fuzz tests take a million more, each
 * parser on its own), written into the logs a running collector tails, as an attacker who runs
 * code on the host would write them: real Apache, mod_evasive and PHP lines cut, spliced, salted
 * with control characters, ANSI escapes, quotes, invalid UTF-16 and noise. Through the real
 * collector, Kafka and the detection job (which runs without restarts, so any exception that
 * escaped would fail it): every line the collector refused is on the dead-letter topic with its
 * file, offset and reason, every event it made is stored, and the job is still running.
 */
@Tag("slow")
@Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
@ExtendWith(RealKafka.class)
class HostileLinesThroughTheJobTest {

    private static final Path CAPTURED = Path.of("../collectors/src/test/resources/captured");
    /**
     * How many lines: 210,000 fit {@code mvn verify}'s time budget on 2 cores;
     * {@code -Dculprit.fuzz.lines=1000000} runs the million of the reliability issue (its last run is
     * in docs/RELIABILITY.md).
     */
    private static final int LINES = Integer.getInteger("culprit.fuzz.lines", 210_000);
    /**
     * Lines are kept below this here so that a million of them stay a few hundred MB; lines up to
     * and beyond the collector's own limit are the parsers' fuzz tests' and TailedLogSourceTest's.
     */
    private static final int LONGEST_LINE = 8_192;

    @TempDir
    Path dir;

    @Test
    void hostileLinesStopNothingAndEveryRefusedOneIsADeadLetterWithItsReason(KafkaCluster kafka) throws Exception {
        kafka.createTopics(Topics.ALL);
        Path error = Files.createFile(dir.resolve("error.txt"));
        Path mail = Files.createFile(dir.resolve("mail.txt"));
        Path access = Files.createFile(dir.resolve("access.txt"));
        Path config = Files.writeString(dir.resolve("collector.yaml"), "host: fuzzed\nsources:\n  proc:\n    enabled: false\n"
                + "  evasive:\n    enabled: true\n    errorLog: " + error + "\n    timeZone: UTC\n"
                + "  phpmail:\n    enabled: true\n    log: " + mail + "\n"
                + "  access:\n    enabled: true\n    log: " + access + "\n    format: combined\n");
        Database db = DataDirectory.prepare(dir.resolve("data"), notice -> { }).database("culprit");
        // no restarts: an exception that escaped anywhere in the job would fail it for good
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, noRestarts);
        env.enableCheckpointing(2_000);
        new CulpritJob(KafkaEndpoints.source(kafka.access(), "fuzz"), List.of(new IncidentStoreSink(db.access())),
                KafkaEndpoints.deadLetterSink(kafka.access()), RuleSet.DEFAULT, null,
                new RawEventSink(db.access(), RawEventSink.DEFAULT_RETENTION)).build(env);
        JobClient job = env.executeAsync("fuzz");
        Map<Path, LineMutations> hostile = Map.of(
                error, mutations(CAPTURED.resolve("evasive/run1-writable-apache-error.txt"), 1),
                mail, mutations(CAPTURED.resolve("phpmail/file-mail-log.txt"), 2),
                access, mutations(CAPTURED.resolve("access/combined-access.txt"), 3));

        Map<String, SourceCounters> counters;
        List<DeadLetter> deadLetters;
        try (Collector collector = Collector.start(ConfigLoader.load(config), dir.resolve("collector"), kafka.access(),
                Clock.systemUTC())) {
            long newlines = 0;
            for (int written = 0; written < LINES; written += 30_000) {
                for (Map.Entry<Path, LineMutations> log : hostile.entrySet()) {
                    newlines += append(log.getKey(), log.getValue(), 10_000);
                }
            }
            Files.writeString(mail, "[02-Dec-2026 10:00:00 UTC] mail() on [/var/www/html/contact.php:6]: To: info@example.com"
                    + " -- Headers: From: webform@example.com -- Subject: " + LAST_SUBJECT + "\n", StandardOpenOption.APPEND);
            long expected = newlines + 1;
            awaitUntil(Duration.ofMinutes(8), () -> read(collector) >= expected);
            assertThat(read(collector)).as("lines the collector read").isEqualTo(expected);
            counters = collector.counters();
            // read while the collector still ships: the dead letters are all there once it has shipped
            // everything (its own shipped count misses a commit that timed out at the client yet reached
            // the broker, which Kafka's resume offset then covers)
            deadLetters = deadLetters(kafka, counters.values().stream().mapToLong(SourceCounters::unparseable).sum());
        }
        long refused = counters.values().stream().mapToLong(SourceCounters::unparseable).sum();
        long events = counters.values().stream().mapToLong(SourceCounters::events).sum();
        assertThat(refused).as("refused lines").isGreaterThan(LINES / 10);
        assertThat(events).as("events made").isGreaterThan(0);

        assertThat(deadLetters).as("dead letters of the refused lines").hasSize((int) refused);
        assertThat(deadLetters).allSatisfy(d -> {
            assertThat(d.host()).isEqualTo("fuzzed");
            assertThat(d.reason()).isNotBlank();
            assertThat(Path.of(d.file())).isIn(error, mail, access);
            assertThat(d.offset()).isNotNegative();
        });
        // the job took everything in and is still going: the line written last, a real one, is stored
        // the job stores a few thousand events a second here (docs/PERFORMANCE.md): its backlog grows with the lines
        awaitUntil(Duration.ofMinutes(Math.max(2, LINES / 100_000)), () -> count(db, LAST_LINE_STORED) > 0);
        assertThat(count(db, LAST_LINE_STORED)).as("the last line's event stored").isEqualTo(1);
        // identical events from different batches are one row (taken for a redelivery), never more rows than events
        assertThat(count(db, "SELECT COUNT(*) FROM raw_events")).as("events stored").isPositive().isLessThanOrEqualTo(events);
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
        job.cancel().get();
    }

    private static final String LAST_SUBJECT = "the-last-line-" + UUID.randomUUID();
    private static final String LAST_LINE_STORED =
            "SELECT COUNT(*) FROM raw_events WHERE topic = '" + Topics.PHPMAIL + "' AND payload LIKE '%" + LAST_SUBJECT + "%'";

    private static LineMutations mutations(Path realLines, long seed) throws Exception {
        return new LineMutations(Files.readAllLines(realLines, StandardCharsets.UTF_8), 20261202L + seed);
    }

    /** Byte sequences no UTF-8 decoder accepts: a stray 0xFF, an overlong '/', an encoded surrogate, a cut 2-byte start. */
    private static final byte[][] INVALID_UTF8 = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC3}};
    private final Random bytes = new Random(20261202L);

    /**
     * Appends {@code lines} hostile lines, as bytes: the text of each, and for one line in twenty a
     * sequence that is not UTF-8 at some point of it. How many lines the file grew by (a line may
     * hold line breaks).
     */
    private long append(Path log, LineMutations mutations, int lines) throws Exception {
        long newlines = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log, StandardOpenOption.APPEND))) {
            for (int i = 0; i < lines; i++) {
                String text = mutations.next();
                byte[] line = (text.length() > LONGEST_LINE ? text.substring(0, LONGEST_LINE) : text).getBytes(StandardCharsets.UTF_8);
                if (bytes.nextInt(20) == 0) {
                    int at = bytes.nextInt(line.length + 1);
                    out.write(line, 0, at);
                    out.write(INVALID_UTF8[bytes.nextInt(INVALID_UTF8.length)]);
                    out.write(line, at, line.length - at);
                } else {
                    out.write(line);
                }
                out.write('\n');
                newlines++;
                for (byte b : line) {
                    newlines += b == '\n' ? 1 : 0;
                }
            }
        }
        return newlines;
    }

    private static long read(Collector collector) {
        return collector.counters().values().stream().mapToLong(SourceCounters::read).sum();
    }

    /** The dead letters on the topic, read until {@code expected} have come or nothing more comes for 20 s. */
    private static List<DeadLetter> deadLetters(KafkaCluster kafka, long expected) {
        Map<String, DeadLetter> byPosition = new HashMap<>();
        List<DeadLetter> all = new java.util.ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "fuzz-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
            consumer.subscribe(List.of(Topics.DEADLETTER));
            long quietSince = System.currentTimeMillis();
            while (all.size() < expected && System.currentTimeMillis() - quietSince < 20_000) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    DeadLetter d = EventCodec.decode(r.value(), DeadLetter.class);
                    all.add(d);
                    byPosition.put(d.file() + "@" + d.offset(), d);
                }
                if (!records.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        assertThat(byPosition).as("one dead letter per refused line").hasSameSizeAs(all);
        return all;
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitUntil(Duration patience, java.util.concurrent.Callable<Boolean> done) throws Exception {
        long deadline = System.currentTimeMillis() + patience.toMillis();
        while (!done.call() && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
    }
}
