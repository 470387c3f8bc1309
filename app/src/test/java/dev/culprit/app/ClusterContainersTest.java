package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.events.EncodedEvent;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogins;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

/**
 * The job jar on the engines' own images, where a Docker engine runs (skipped, and said so, where
 * none does): Kafka (apache/kafka), a Flink JobManager and TaskManager (the flink image of the
 * job's Flink version), H2's server from the job jar itself. The shipped incidents of three hosts
 * go in; each host's I/O-wait, DoS and mail incidents come out in H2. {@link ClusterFailoverTest}
 * proves the same path, with failures, on processes; this one proves the images.
 */
@Tag("slow")
@Testcontainers(disabledWithoutDocker = true)
class ClusterContainersTest {

    private static final String FLINK_IMAGE = "flink:2.2.1-java17";
    private static final String FLINK_PROPERTIES = "jobmanager.rpc.address: jobmanager\ntaskmanager.numberOfTaskSlots: 2\n";

    @TempDir
    Path dir;

    @Test
    void theJobJarFindsEachHostsIncidentsOnTheOfficialImages() throws Exception {
        Path jar = ClusterCommand.Checkout.jobJarIn(Path.of("../stream-jobs/target"));
        try (Network network = Network.newNetwork();
             KafkaContainer kafka = new KafkaContainer("apache/kafka:4.2.0").withNetwork(network).withListener("kafka:19092");
             GenericContainer<?> h2 = new GenericContainer<>("eclipse-temurin:17-jre").withNetwork(network).withNetworkAliases("h2")
                     .withCopyFileToContainer(MountableFile.forHostPath(jar), "/job.jar")
                     .withCommand("java", "-Dh2.bindAddress=0.0.0.0", "-cp", "/job.jar", "dev.culprit.storage.HistoryServer",
                             "9092", "/data", "/data/secrets/h2-management.password", "culprit-cluster")
                     .withExposedPorts(9092).waitingFor(Wait.forLogMessage(".*H2 history server on.*", 1));
             GenericContainer<?> jobManager = new GenericContainer<>(FLINK_IMAGE).withNetwork(network).withNetworkAliases("jobmanager")
                     .withCommand("jobmanager").withEnv("FLINK_PROPERTIES", FLINK_PROPERTIES).withExposedPorts(8081)
                     .waitingFor(Wait.forHttp("/overview").forPort(8081));
             GenericContainer<?> taskManager = new GenericContainer<>(FLINK_IMAGE).withNetwork(network)
                     .withCommand("taskmanager").withEnv("FLINK_PROPERTIES", FLINK_PROPERTIES).dependsOn(jobManager)) {
            kafka.start();
            h2.start();
            jobManager.start();
            taskManager.start();

            Path logins = dir.resolve("database.properties");
            h2.copyFileFromContainer("/data/secrets/database.properties", logins.toString());
            jobManager.copyFileToContainer(MountableFile.forHostPath(jar), "/opt/job.jar");
            jobManager.copyFileToContainer(MountableFile.forHostPath(logins), "/opt/logins.properties");
            // the logins file must be its reader's alone: the JobManager runs the job's main as user flink
            jobManager.execInContainer("sh", "-c", "chown flink /opt/logins.properties && chmod 600 /opt/logins.properties");
            var submitted = jobManager.execInContainer("flink", "run", "-d", "/opt/job.jar",
                    "--bootstrap-servers", "kafka:19092", "--db-url", "jdbc:h2:tcp://h2:9092/culprit-cluster",
                    "--db-logins", "/opt/logins.properties", "--parallelism", "2");
            assertThat(submitted.getExitCode()).as(submitted.getStdout() + submitted.getStderr()).isZero();

            BenchFleet fleet = new BenchFleet(3);
            List<EncodedEvent> events = new ArrayList<>();
            fleet.events(fleet.eventsPerRound(), System.currentTimeMillis() - Duration.ofMinutes(20).toMillis(), events::add);
            try (var producer = new KafkaProducer<String, byte[]>(KafkaAccess.unauthenticated(kafka.getBootstrapServers()).clientConfig(Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                events.forEach(e -> producer.send(new ProducerRecord<>(e.topic(), null, e.ts(), e.host(), e.value())));
            }

            DatabaseAccess history = new DatabaseAccess("jdbc:h2:tcp://" + h2.getHost() + ":" + h2.getMappedPort(9092) + "/culprit-cluster",
                    DatabaseLogins.read(logins).reader());
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(incidents(history)).containsExactly(
                            "web-0 dos", "web-0 iowait", "web-0 mail", "web-1 dos", "web-1 iowait", "web-1 mail",
                            "web-2 dos", "web-2 iowait", "web-2 mail"));
        }
    }

    private static Set<String> incidents(DatabaseAccess history) throws Exception {
        Set<String> found = new TreeSet<>();
        try (Connection c = history.connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT host, kind FROM incidents WHERE EXISTS "
                     + "(SELECT 1 FROM culprits WHERE incident_id = incidents.id)")) {
            while (rs.next()) {
                found.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        return found;
    }
}
