package dev.culprit.broker;

import dev.culprit.events.Topics;
import dev.culprit.events.access.KafkaAccess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka 4 broker (KRaft, broker and controller in one node) running inside this JVM, on
 * loopback ports, with its log under a directory of ours. A second start on the same directory
 * keeps the topics and their records.
 *
 * <p>Both listeners, the clients' and the controller's, take only clients that log in with SASL/PLAIN
 * as {@link #USER} and the password given at start: any local user can reach a loopback port, so
 * the port alone must not let them read or write Culprit's topics. The traffic itself stays
 * plaintext, as sniffing loopback already takes root.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The one user of the broker: Culprit's own clients and the broker's connections to its controller. */
    public static final String USER = "culprit";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * The transactions protocol the broker speaks: version 1, not Kafka 4's default 2. With version 2
     * every commit moves the producer's epoch on, and Flink's Kafka sink (connector 5.0), which
     * commits the transactions of the checkpoint it restores from once more, is then refused for one
     * committed before the stop or kill, and logs "most likely signals data loss" on every restart
     * after alerts. Version 1 takes that second commit as the no-op it is.
     */
    static final short TRANSACTION_VERSION = 1;
    private static final String TRANSACTION_VERSION_FEATURE = "transaction.version";
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    static {
        // Kafka halts the JVM on a fatal fault. In-process that would kill the collectors, the
        // Flink job and a test fork with it; an exception lets the owner shut down in order.
        Exit.setExitProcedure((code, message) -> {
            throw new BrokerFaultException("Kafka broker asked to exit(" + code + "): " + message);
        });
        Exit.setHaltProcedure((code, message) -> {
            throw new BrokerFaultException("Kafka broker asked to halt(" + code + "): " + message);
        });
    }

    private final KafkaRaftServer server;
    private final int brokerPort;
    private final int controllerPort;
    private final KafkaAccess access;

    private EmbeddedKafka(KafkaRaftServer server, int brokerPort, int controllerPort, String password) {
        this.server = server;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.access = KafkaAccess.saslPlain("127.0.0.1:" + brokerPort, USER, password);
    }

    /** Starts a broker on free loopback ports, storing its log under {@code dir}, for {@link #USER} with {@code password}. */
    public static EmbeddedKafka start(Path dir, String password) {
        return start(dir, LoopbackPorts.free(1).get(0), password);
    }

    /** Starts a broker on the given client port (to restart one where clients expect it). */
    public static EmbeddedKafka start(Path dir, int brokerPort, String password) {
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("the embedded Kafka broker needs a password for user " + USER);
        }
        // the broker's port may have been free a moment ago and handed out again: two listeners on one port refuse to start
        int controllerPort = LoopbackPorts.free(2).stream().filter(p -> p != brokerPort).findFirst().orElseThrow();
        Path logDir = dir.toAbsolutePath();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log directory " + logDir, e);
        }
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(logDir, brokerPort, controllerPort, password));
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(server, brokerPort, controllerPort, password);
        try {
            kafka.awaitReady();
            kafka.pinTransactionVersion();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** How a client reaches this broker: its loopback address and the login it requires. */
    public KafkaAccess access() {
        return access;
    }

    public int port() {
        return brokerPort;
    }

    /** The controller listener's port; no Culprit client talks to it, the broker itself does. */
    int controllerPort() {
        return controllerPort;
    }

    /**
     * Creates the topics that do not exist yet ({@link Topics#partitionsOf} partitions, no
     * replication, {@link Topics#configOf} settings), and gives the ones that do their settings
     * (a topic made by an older Culprit may lack one).
     */
    public void createTopics(Collection<String> topics) {
        createTopics(access, topics, (short) 1);
    }

    /** The same on any Kafka {@code kafka} reaches, each topic with {@code replication} copies. */
    public static void createTopics(KafkaAccess kafka, Collection<String> topics, short replication) {
        try (Admin admin = admin(kafka)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Topics.partitionsOf(t), replication).configs(Topics.configOf(t)))
                    .collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
            Map<ConfigResource, Collection<AlterConfigOp>> settings = topics.stream()
                    .filter(t -> existing.contains(t) && !Topics.configOf(t).isEmpty())
                    .collect(Collectors.toMap(t -> new ConfigResource(ConfigResource.Type.TOPIC, t), t -> Topics.configOf(t).entrySet().stream()
                            .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
                            .collect(Collectors.toList())));
            if (!settings.isEmpty()) {
                admin.incrementalAlterConfigs(settings).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + topics + ": " + e.getCause().getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + topics + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private Admin admin() {
        return admin(access);
    }

    private static Admin admin(KafkaAccess access) {
        Map<String, Object> config = access.clientConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(config);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // The Admin client retries noisily against a closed port; wait for the listener first.
        while (!LoopbackPorts.listening(brokerPort)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka broker did not open port " + brokerPort + " within " + START_TIMEOUT);
            }
            sleep(50);
        }
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker on port " + brokerPort + " did not become ready: " + e, e);
        }
    }

    /**
     * Brings the broker to {@link #TRANSACTION_VERSION} before any client starts a transaction: a new
     * log directory is formatted at Kafka's default, and one an earlier Culprit made is at it too.
     */
    private void pinTransactionVersion() {
        pinTransactionVersion(access);
    }

    /** The same on any Kafka {@code kafka} reaches (a cluster of nodes made with {@link #nodeProperties}). */
    public static void pinTransactionVersion(KafkaAccess kafka) {
        try (Admin admin = admin(kafka)) {
            if (transactionVersion(admin) <= TRANSACTION_VERSION) {
                return;
            }
            admin.updateFeatures(Map.of(TRANSACTION_VERSION_FEATURE,
                            new FeatureUpdate(TRANSACTION_VERSION, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
                    new UpdateFeaturesOptions()).all().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (transactionVersion(admin) > TRANSACTION_VERSION) { // the broker applies it from its metadata log
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker did not take transaction.version " + TRANSACTION_VERSION
                            + " within " + START_TIMEOUT);
                }
                sleep(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set the Kafka broker's transaction.version to " + TRANSACTION_VERSION + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the Kafka broker's transaction.version", e);
        }
    }

    private static short transactionVersion(Admin admin) throws ExecutionException, InterruptedException,
            TimeoutException {
        FinalizedVersionRange finalized = admin.describeFeatures().featureMetadata().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .finalizedFeatures().get(TRANSACTION_VERSION_FEATURE);
        return finalized == null ? 0 : finalized.maxVersionLevel();
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort, String password) {
        return nodeProperties(1, logDir, brokerPort, controllerPort, "1@127.0.0.1:" + controllerPort, password, (short) 1);
    }

    /**
     * The settings of one KRaft node (broker and controller in one) on loopback, of a quorum of
     * {@code quorumVoters} ({@code 1@127.0.0.1:PORT,2@...}): both listeners take only SASL/PLAIN logins
     * as {@link #USER} with {@code password}; Kafka's own topics get {@code replication} copies and,
     * with more than one, every topic needs two in sync to take a write ({@code min.insync.replicas}).
     */
    public static Properties nodeProperties(int nodeId, Path logDir, int brokerPort, int controllerPort, String quorumVoters,
                                            String password, short replication) {
        String inSync = String.valueOf(Math.min(2, replication));
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(nodeId));
        p.put("controller.quorum.voters", quorumVoters);
        p.put("listeners", CLIENT_LISTENER + "://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER + ":SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        // The broker side checks logins against the user_ entry; username/password is the broker's
        // own login when it connects to a listener (to its controller, to itself).
        String jaas = plainServerLogin(password);
        p.put("listener.name." + CLIENT_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas);
        p.put("listener.name." + CONTROLLER_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config", jaas);
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", String.valueOf(replication));
        p.put("min.insync.replicas", inSync);
        p.put("offsets.topic.replication.factor", String.valueOf(replication));
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", String.valueOf(replication));
        p.put("transaction.state.log.min.isr", inSync);
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", String.valueOf(replication));
        p.put("share.coordinator.state.topic.min.isr", inSync);
        p.put("group.initial.rebalance.delay.ms", "0");
        // A transaction past its timeout (a collector killed mid-transaction) is aborted within a
        // second of it, not ten: until then it holds back its partition from read_committed readers.
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The 128 MiB default dedupe buffer on a small heap throws OutOfMemoryError at start.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    private static String plainServerLogin(String password) {
        String login = KafkaAccess.plainLogin(USER, password); // refuses a password that would break the JAAS line
        return login.substring(0, login.length() - 1) + " user_" + USER + "=\"" + password + "\";";
    }

    private static void format(Path logDir) {
        format(logDir, Uuid.randomUuid().toString(), 1);
    }

    /**
     * Formats a node's log directory for cluster {@code clusterId} (every node of one cluster shares
     * it); one formatted before keeps its cluster id and data.
     */
    public static void format(Path logDir, String clusterId, int nodeId) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(clusterId)
                    .setNodeId(nodeId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }
}
