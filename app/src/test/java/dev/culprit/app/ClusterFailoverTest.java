package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.events.Alert;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogins;
import dev.culprit.storage.EventArchive;
import dev.culprit.storage.TimeOrderedArchive;
import dev.culprit.testkit.CommittedRecords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out path under failure: {@code culprit cluster up} (three Kafka nodes, H2's server, a
 * JobManager and two TaskManagers, each a process), the packaged job jar submitted over Flink's REST
 * API, one Kafka node SIGKILLed while the job runs, the shipped incidents of 20 hosts streamed
 * through it as they happen, and the TaskManager running the job SIGKILLed while they are open. Every incident the same events make in a replay (the
 * reference) is in H2 exactly once with its culprits, it fires and resolves on the alerts topic
 * exactly once for a reader of committed records, no alert record is repeated, and there is nothing else.
 */
@Tag("slow")
@Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterFailoverTest {

    private static final int HOSTS = 20;

    @TempDir
    Path dir;

    @Test
    void aTaskManagerAndAKafkaNodeKilledMidIncidentLoseNoIncidentAndRepeatNone() throws Exception {
        Path dataDir = dir.resolve("data");
        StringWriter progress = new StringWriter();
        LocalCluster cluster = LocalCluster.up(dataDir,
                new LocalCluster.Engines(Path.of("../engines/target/flink-lib"), System.getProperty("java.class.path")), 2,
                new PrintWriter(progress, true));
        try {
            FlinkRest rest = cluster.rest();
            // the shipped rules, but a mail flood's window and cool-down short enough for it to end within the test
            Path rules = TestRules.shippedWithAShortMailWindow(dir);
            String job = rest.run(rest.uploadJar(ClusterCommand.Checkout.jobJarIn(Path.of("../stream-jobs/target"))), SubmitCommand.arguments(cluster, rules), 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> allRunning(rest, job));
            // a Kafka node lost while the job runs: its partitions' leadership moves to the other two
            cluster.kill("broker-2");

            // the fleet's events stamped from now on and sent as they happen, as collectors send them: a host
            // silent for long (wall clock) while its incident is open is judged to have gone quiet
            BenchFleet fleet = new BenchFleet(HOSTS);
            List<EncodedEvent> events = new ArrayList<>();
            fleet.events(fleet.eventsPerRound(), System.currentTimeMillis() + 2_000, events::add);
            long middle = events.get(events.size() / 2).ts();
            produce(cluster.kafka(), events.stream().filter(e -> e.ts() < middle).toList());
            DatabaseAccess history = new DatabaseAccess(cluster.databaseUrl(),
                    DatabaseLogins.read(cluster.databaseLogins()).reader());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> openIncidents(history) > 0);

            String busy = null;
            for (var tm : rest.get("/taskmanagers").path("taskmanagers")) {
                if (tm.path("freeSlots").asInt() < tm.path("slotsNumber").asInt()) {
                    busy = tm.path("id").asText();
                }
            }
            assertThat(busy).as("a TaskManager running the job's tasks").startsWith("taskmanager-");
            cluster.kill(busy);
            produce(cluster.kafka(), events.stream().filter(e -> e.ts() >= middle).toList());
            Reference reference = reference(events, RuleFiles.load(rules));
            assertThat(reference.incidents()).as("the replay's incidents").hasSizeGreaterThanOrEqualTo(HOSTS);

            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(differences(stored(history), reference.incidents()))
                            .as("incidents in H2 that differ from the replay's").isEmpty());
            assertThat(rest.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries"))
                    .as("the job failed over (a killed TaskManager is a failure it recovers from)").isNotEmpty();

            List<String> records = CommittedRecords.read(cluster.kafka(), Topics.ALERTS, Duration.ofSeconds(5), Duration.ofSeconds(60));
            assertThat(records).as("alert records on " + Topics.ALERTS + " (a transaction replayed after the failover must not repeat one)")
                    .doesNotHaveDuplicates();
            // An UPDATE goes out when an open incident's culprits change; after a failover, a topic whose backlog is
            // read more than the idleness bound after another's has its events judged late, and an incident's
            // ranking may pass through one more order on its way (CI once saw one UPDATE more). What opens and
            // closes each incident, and what H2 keeps, must not differ.
            List<String> committed = records.stream().map(json -> EventCodec.decode(json, Alert.class))
                    .filter(a -> a.state() != Alert.State.UPDATE).map(ClusterFailoverTest::stateOf).sorted().toList();
            assertThat(alertDifferences(committed, reference.openedAndClosed()))
                    .as(() -> "incidents whose committed FIRING/RESOLVED alerts on " + Topics.ALERTS + " differ from the replay's ("
                            + lateEvents(rest, job) + " events judged late since the failover)").isEmpty();
        } catch (Throwable failure) {
            keepLogs(dataDir);
            throw failure;
        } finally {
            cluster.down(new PrintWriter(progress, true));
        }
    }

    /** Only what differs, by incident id: a map of 60 incidents printed whole hides the one that is wrong. */
    private static List<String> differences(Map<String, String> stored, Map<String, String> expected) {
        List<String> out = new ArrayList<>();
        expected.forEach((id, state) -> {
            if (!state.equals(stored.get(id))) {
                out.add(id + ": expected <" + state + "> but H2 has <" + stored.get(id) + ">");
            }
        });
        stored.keySet().stream().filter(id -> !expected.containsKey(id)).forEach(id -> out.add(id + ": not expected, H2 has <" + stored.get(id) + ">"));
        return out;
    }

    /** Per incident id, the alert states that differ: the whole list of 140 alerts hides the one that is wrong. */
    private static List<String> alertDifferences(List<String> committed, List<String> expected) {
        Map<String, List<String>> got = byIncident(committed);
        Map<String, List<String>> want = byIncident(expected);
        Set<String> ids = new TreeSet<>(got.keySet());
        ids.addAll(want.keySet());
        return ids.stream().filter(id -> !got.getOrDefault(id, List.of()).equals(want.getOrDefault(id, List.of())))
                .map(id -> id + ": expected " + want.getOrDefault(id, List.of()) + " but committed " + got.getOrDefault(id, List.of()))
                .toList();
    }

    /** "id STATE" alert lines grouped by id, each group's states in the list's order. */
    private static Map<String, List<String>> byIncident(List<String> alerts) {
        Map<String, List<String>> out = new TreeMap<>();
        alerts.forEach(a -> out.computeIfAbsent(a.substring(0, a.lastIndexOf(' ')), k -> new ArrayList<>())
                .add(a.substring(a.lastIndexOf(' ') + 1)));
        return out;
    }

    /** The detectors' lateEvents counter, summed over subtasks: it counts from the last (re)start. */
    private static long lateEvents(FlinkRest rest, String job) {
        try {
            long sum = 0;
            for (var vertex : rest.get("/jobs/" + job).path("vertices")) {
                String path = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
                for (var metric : rest.get(path)) {
                    String id = metric.path("id").asText();
                    if (id.endsWith("lateEvents")) {
                        for (var value : rest.get(path + "?get=" + id + "&agg=sum")) {
                            sum += (long) value.path("sum").asDouble();
                        }
                    }
                }
            }
            return sum;
        } catch (java.io.IOException unreadable) {
            return -1;
        }
    }

    /** The members' logs outlive the temporary directory when the test fails, for whoever reads the report. */
    private static void keepLogs(Path dataDir) throws java.io.IOException {
        Path logs = dataDir.resolve(LocalCluster.DIRECTORY).resolve("logs");
        Path kept = Path.of("target", "cluster-failover-logs");
        if (Files.isDirectory(logs)) {
            Files.createDirectories(kept);
            try (var files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    Files.copy(f, kept.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** What the same events make through the same job in a replay: incidents with culprits, and the alerts that open and close them. */
    private record Reference(Map<String, String> incidents, List<String> openedAndClosed) {}

    private Reference reference(List<EncodedEvent> events, RuleSet rules) throws Exception {
        Path archive = dir.resolve("round.jsonl.gz");
        try (EventArchive.Writer out = new EventArchive.Writer(archive)) {
            events.forEach(out::write);
        }
        Path replayDir = dir.resolve("replay");
        DataDirectory.prepare(replayDir, notice -> { });
        List<Alert> alerts;
        try (TimeOrderedArchive sorted = TimeOrderedArchive.sort(archive, replayDir, TimeOrderedArchive.DEFAULT_CHUNK_BYTES, n -> { })) {
            alerts = Replay.run(replayDir, sorted, rules, 0, null, n -> { });
        }
        Map<String, String> incidents = new TreeMap<>();
        for (Incident i : Replay.incidents(alerts)) {
            assertThat(i.culprits()).as("culprits of " + i.id()).isNotEmpty();
            incidents.put(i.id(), EventCodec.mapper().convertValue(i.kind(), String.class) + " " + i.host() + " closed "
                    + i.culprits().stream().map(c -> c.name()).collect(Collectors.joining(",")));
        }
        return new Reference(incidents, alerts.stream().filter(a -> a.state() != Alert.State.UPDATE)
                .map(ClusterFailoverTest::stateOf).sorted().toList());
    }

    private static String stateOf(Alert a) {
        return a.incident().id() + " " + a.state();
    }

    /** Each incident in the history: kind, host, whether closed, its culprits in rank order. */
    private static Map<String, String> stored(DatabaseAccess history) throws Exception {
        Map<String, String> incidents = new TreeMap<>();
        try (Connection c = history.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT i.id, i.kind, i.host, i.end_ts, "
                     + "(SELECT LISTAGG(name, ',') WITHIN GROUP (ORDER BY position) FROM culprits WHERE incident_id = i.id) FROM incidents i")) {
            while (rs.next()) {
                incidents.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + (rs.getObject(4) == null ? "open" : "closed")
                        + " " + rs.getString(5));
            }
        }
        return incidents;
    }

    private static int openIncidents(DatabaseAccess history) throws Exception {
        try (Connection c = history.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM incidents WHERE end_ts IS NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean allRunning(FlinkRest rest, String job) throws Exception {
        var vertices = rest.get("/jobs/" + job).path("vertices");
        if (vertices.isEmpty()) {
            return false;
        }
        for (var v : vertices) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** As collectors ship: each event when its time comes, acknowledged by two Kafka nodes, none twice. */
    private static void produce(KafkaAccess kafka, List<EncodedEvent> events) throws InterruptedException {
        try (var producer = new KafkaProducer<String, byte[]>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (EncodedEvent e : events) {
                long wait = e.ts() - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(e.topic(), null, e.ts(), e.host(), e.value()));
            }
            producer.flush();
        }
    }
}
