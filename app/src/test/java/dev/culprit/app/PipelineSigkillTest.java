package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.PhpMail;
import dev.culprit.events.Schema;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code culprit demo} as its own process, SIGKILLed (Kafka broker, Flink and H2 with it) while an
 * incident is open and a second one has just fired, then started again on the same data
 * directory: it ends with the same incidents in H2 and the same committed alerts on
 * {@code culprit.alerts} as a run on the same events that was never killed, none lost, none twice.
 */
@Tag("slow")
class PipelineSigkillTest {

    private static final String FIRST_SCRIPT = "/var/www/html/wp-content/uploads/x.php";
    private static final String SECOND_SCRIPT = "/var/www/html/wp-content/uploads/y.php";
    private static final long T0 = System.currentTimeMillis() - 3_600_000;
    /** A state in the console's alert lines: how the test sees what the child process detected. */
    private static final Pattern STATE = Pattern.compile("\\b(FIRING|UPDATE|RESOLVED)\\b");

    /** A script never seen before mails 25 times in 25 s, above the shipped 20 for a new script: it fires. */
    private static final List<Event> FIRST_INCIDENT = burst(FIRST_SCRIPT, T0);
    /** Another script's burst, two minutes on, while the first incident is still open. */
    private static final List<Event> SECOND_INCIDENT = burst(SECOND_SCRIPT, T0 + 120_000);
    /** Half an hour on, past window and cool-down: both incidents end. */
    private static final List<Event> BOTH_END = List.of(mail(FIRST_SCRIPT, T0 + 1_800_000, "other@example.net"));

    @TempDir
    Path dir;

    @Test
    void aPipelineKilledMidIncidentEndsAsOneNeverKilled() throws Exception {
        Path neverKilled = dir.resolve("never-killed");
        try (Child child = Child.start(dir, neverKilled, "never-killed")) {
            child.publish(FIRST_INCIDENT);
            child.awaitStates("FIRING", 1);
            child.publish(SECOND_INCIDENT);
            child.awaitStates("FIRING", 2);
            child.publish(BOTH_END);
            child.awaitStates("RESOLVED", 2);
            child.stop();
        }

        Path killed = dir.resolve("killed");
        try (Child child = Child.start(dir, killed, "killed-1")) {
            child.publish(FIRST_INCIDENT);
            child.awaitStates("FIRING", 1);
            child.awaitCheckpointAfter(System.currentTimeMillis()); // the open incident is in saved state
            child.publish(SECOND_INCIDENT);
            child.awaitStates("FIRING", 2); // its alert is in a transaction the next checkpoint would commit
            child.kill();
        }
        try (Child child = Child.start(dir, killed, "killed-2")) {
            child.publish(BOTH_END);
            child.awaitStates("RESOLVED", 2);
            child.stop();
        }

        Kept expected = Kept.in(neverKilled);
        Kept afterTheKill = Kept.in(killed);
        assertThat(expected.alertStates()).as("the never-killed run's committed alerts")
                .containsExactlyInAnyOrder("FIRING", "FIRING", "RESOLVED", "RESOLVED");
        assertThat(afterTheKill.alerts()).as("committed alerts on " + Topics.ALERTS)
                .containsExactlyInAnyOrderElementsOf(expected.alerts());
        assertThat(afterTheKill.rows()).as("H2 rows").isEqualTo(expected.rows());
    }

    private static List<Event> burst(String script, long from) {
        List<Event> mails = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            mails.add(mail(script, from + i * 1_000L, "r" + i + "@example.org"));
        }
        mails.add(mail(script, from + 60_000, "other@example.net")); // moves event time past the burst
        return mails;
    }

    private static PhpMail mail(String script, long ts, String to) {
        return new PhpMail("web1", "phpmail", ts, Schema.VERSION, script, 12, PhpMail.Origin.FILE, List.of(to),
                "Invoice " + ts, null, null);
    }

    /** What a run left: the committed alerts on Kafka and the incident tables in H2, read with the run stopped. */
    private record Kept(List<String> alerts, Map<String, List<String>> rows) {

        static Kept in(Path dataDir) throws Exception {
            try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir)) {
                Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
                rows.put("incidents", rows(runtime, "SELECT * FROM incidents ORDER BY id"));
                rows.put("alerts", rows(runtime, "SELECT * FROM alerts ORDER BY incident_id, ts, state"));
                rows.put("culprits", rows(runtime, "SELECT * FROM culprits ORDER BY incident_id, position"));
                rows.put("related_incidents", rows(runtime, "SELECT * FROM related_incidents ORDER BY incident_id, related_id"));
                rows.put("raw_events", rows(runtime, "SELECT COUNT(*) FROM raw_events"));
                return new Kept(committedAlerts(runtime.kafka()), rows);
            }
        }

        List<String> alertStates() {
            return alerts.stream().map(json -> EventCodec.decode(json.getBytes(StandardCharsets.UTF_8), Alert.class).state().name())
                    .toList();
        }

        private static List<String> rows(EmbeddedRuntime runtime, String query) throws Exception {
            List<String> rows = new ArrayList<>();
            try (Connection c = runtime.database().connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery(query)) {
                ResultSetMetaData columns = rs.getMetaData();
                while (rs.next()) {
                    StringBuilder row = new StringBuilder();
                    for (int i = 1; i <= columns.getColumnCount(); i++) {
                        row.append(i > 1 ? "|" : "").append(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
            return rows;
        }

        /** Every alert committed to the topic, as its JSON; read until the topic has been quiet for 3 s. */
        private static List<String> committedAlerts(KafkaAccess kafka) {
            List<String> alerts = new ArrayList<>();
            try (var consumer = new KafkaConsumer<byte[], byte[]>(kafka.clientConfig(Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, "sigkill-check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class)))) {
                consumer.subscribe(List.of(Topics.ALERTS));
                long deadline = System.currentTimeMillis() + 60_000;
                long quietSince = System.currentTimeMillis();
                while (System.currentTimeMillis() < deadline && System.currentTimeMillis() - quietSince < 3_000) {
                    var records = consumer.poll(Duration.ofMillis(300));
                    records.forEach(r -> alerts.add(new String(r.value(), StandardCharsets.UTF_8)));
                    if (!records.isEmpty() || consumer.assignment().isEmpty()) {
                        quietSince = System.currentTimeMillis();
                    }
                }
            }
            return alerts;
        }
    }

    /** {@code culprit demo} on a data directory, with no scenarios and no source of this host's own. */
    private static final class Child implements AutoCloseable {

        private final Path dataDir;
        private final Path output;
        private final Process process;

        private Child(Path dataDir, Path output, Process process) {
            this.dataDir = dataDir;
            this.output = output;
            this.process = process;
        }

        static Child start(Path dir, Path dataDir, String name) throws Exception {
            Path mailLog = dir.resolve(name + "-mail.txt"); // a source is needed; nothing writes to it
            Files.createFile(mailLog);
            Path config = dir.resolve(name + "-collector.yaml");
            Files.writeString(config, "host: web1\nsources:\n  proc:\n    enabled: false\n"
                    + "  phpmail:\n    enabled: true\n    log: " + mailLog + "\n");
            Path output = dir.resolve(name + ".out");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                    "-cp", System.getProperty("java.class.path"), Culprit.class.getName(),
                    "demo", "--no-scenarios", "--config", config.toString(), "--data-dir", dataDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            Child child = new Child(dataDir, output, p);
            child.await("culprit: up in", Duration.ofSeconds(90));
            return child;
        }

        /** Publishes as a collector would: to the event's topic, keyed by host, at its event time. */
        void publish(List<Event> events) throws Exception {
            String bootstrap = Files.readString(dataDir.resolve(EmbeddedRuntime.BOOTSTRAP_FILE)).strip();
            KafkaAccess kafka = KafkaAccess.fromPropertiesFile(bootstrap, dataDir.resolve(EmbeddedRuntime.KAFKA_CLIENT_PROPERTIES));
            try (var producer = new KafkaProducer<String, byte[]>(kafka.clientConfig(Map.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                for (Event e : events) {
                    producer.send(new ProducerRecord<>(Topics.of(e), null, e.ts(), e.host(), EventCodec.encode(e))).get();
                }
            }
        }

        /** Waits until the console has shown {@code count} alerts in {@code state}. */
        void awaitStates(String state, int count) throws Exception {
            long deadline = System.currentTimeMillis() + 120_000;
            while (states(state) < count) {
                assertThat(process.isAlive()).as("culprit demo runs: " + Files.readString(output)).isTrue();
                assertThat(System.currentTimeMillis()).as(count + " " + state + " alert(s) within 120 s: " + Files.readString(output))
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }

        private long states(String state) throws Exception {
            Matcher m = STATE.matcher(Files.readString(output));
            return m.results().filter(r -> r.group(1).equals(state)).count();
        }

        /** Waits for a checkpoint completed after {@code sinceMillis}: its metadata is written last. */
        void awaitCheckpointAfter(long sinceMillis) throws Exception {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!checkpointedSince(sinceMillis)) {
                assertThat(System.currentTimeMillis()).as("a checkpoint within 60 s").isLessThan(deadline);
                Thread.sleep(200);
            }
        }

        private boolean checkpointedSince(long sinceMillis) throws Exception {
            Path checkpoints = dataDir.resolve(SavedJobState.DIRECTORY);
            try (Stream<Path> files = Files.find(checkpoints, 4, (path, attributes) ->
                    path.getFileName().toString().equals("_metadata") && attributes.lastModifiedTime().toMillis() > sinceMillis)) {
                return files.findAny().isPresent();
            }
        }

        /** SIGKILL: nothing of the process gets to run, its broker, Flink and H2 included. */
        void kill() throws Exception {
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
        }

        /**
         * SIGTERM, as Ctrl-C: the demo stops in order, its job with a savepoint, and had no commit of
         * alerts refused (Flink's Kafka sink says so as "signals data loss").
         */
        void stop() throws Exception {
            process.destroy();
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s: " + Files.readString(output)).isTrue();
            assertThat(Files.readString(output)).doesNotContain("took no savepoint", "data loss", "potentially lost");
        }

        private void await(String line, Duration within) throws Exception {
            long deadline = System.currentTimeMillis() + within.toMillis();
            while (!(Files.exists(output) && Files.readString(output).contains(line))) {
                assertThat(process.isAlive()).as("culprit demo runs: " + Files.readString(output)).isTrue();
                assertThat(System.currentTimeMillis()).as("'" + line + "' within " + within.toSeconds() + " s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
