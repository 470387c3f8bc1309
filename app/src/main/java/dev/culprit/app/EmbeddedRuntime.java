package dev.culprit.app;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Topics;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.access.RandomSecret;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Culprit in one JVM: an in-process Kafka broker, Flink's local environment and an H2 file, all
 * under one data directory. A second start on the same directory reuses its topics and history.
 */
public final class EmbeddedRuntime implements PipelineRuntime, AutoCloseable {

    private final Path dataDir;
    private final EmbeddedKafka kafka;
    private final Database database;

    private EmbeddedRuntime(Path dataDir, EmbeddedKafka kafka, Database database) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.database = database;
    }

    public static EmbeddedRuntime start(Path dataDir) {
        Database database = DataDirectory.prepare(dataDir, System.err::println).database("culprit");
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), kafkaPassword(dataDir));
        try {
            kafka.createTopics(Topics.ALL);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        try {
            // Lets `culprit rules push --data-dir` find the broker, whose port changes per start.
            Files.writeString(dataDir.resolve(BOOTSTRAP_FILE), kafka.access().bootstrapServers());
        } catch (IOException e) {
            kafka.close();
            throw new UncheckedIOException("cannot write " + dataDir.resolve(BOOTSTRAP_FILE), e);
        }
        return new EmbeddedRuntime(dataDir, kafka, database);
    }

    /** The running embedded broker's address, written while it runs. */
    public static final String BOOTSTRAP_FILE = "kafka.bootstrap";

    /**
     * The embedded broker's login as Kafka client properties (0600, in the 0700 secrets directory):
     * made on the data directory's first start and kept, for `culprit rules push` and for Kafka's own tools.
     */
    public static final String KAFKA_CLIENT_PROPERTIES = DataDirectory.SECRETS + "/kafka-client.properties";

    private static final Pattern JAAS_PASSWORD = Pattern.compile("\\bpassword=\"([^\"]+)\"");

    @Override
    public KafkaAccess kafka() {
        return kafka.access();
    }

    /**
     * The broker password of this data directory, from {@link #KAFKA_CLIENT_PROPERTIES}; a new random
     * one on the first start. The broker keeps no password of its own, so deleting the file changes it.
     */
    private static String kafkaPassword(Path dataDir) {
        Path file = dataDir.resolve(KAFKA_CLIENT_PROPERTIES);
        OwnerOnlyFile.privateDirectory(file.getParent());
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            String password = RandomSecret.generate();
            OwnerOnlyFile.create(file, "# The login of this data directory's embedded Kafka broker, written by Culprit.\n"
                    + "# Keep it 0600. Kafka's tools take it as --command-config/--consumer.config, with\n"
                    + "# --bootstrap-server from " + BOOTSTRAP_FILE + " while Culprit runs.\n"
                    + KafkaAccess.saslPlainPropertiesText(EmbeddedKafka.USER, password));
            return password;
        }
        Matcher password = JAAS_PASSWORD.matcher(OwnerOnlyFile.readProperties(file).getProperty("sasl.jaas.config", ""));
        if (!password.find()) {
            throw new IllegalStateException(file.toAbsolutePath() + " holds no sasl.jaas.config with a password for the "
                    + "embedded Kafka broker: delete it, and the next start makes a new one");
        }
        return password.group(1);
    }

    @Override
    public Database database() {
        return database;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public StreamExecutionEnvironment flink() {
        return localFlink(dataDir, savedState());
    }

    @Override
    public SavedJobState savedState() {
        return SavedJobState.in(dataDir, "embedded");
    }

    /**
     * A local Flink environment: the job's operators run on threads of this JVM; what it listens on is
     * 127.0.0.1 only and needs the data directory's key ({@link LocalFlink}).
     */
    static StreamExecutionEnvironment localFlink(Path dataDir, SavedJobState saved) {
        saved.pruneSuperseded();
        Configuration conf = saved.settings();
        CulpritJob.surviveFailures(conf);
        StreamExecutionEnvironment env = LocalFlink.environment(dataDir, conf);
        // Checkpoints hold the detectors' memory and the source's Kafka offsets: a restart resumes where it stopped.
        env.enableCheckpointing(5_000);
        return env;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(dataDir.resolve(BOOTSTRAP_FILE));
        } catch (IOException e) {
            // a stale address file only misleads `rules push`, which then fails to connect and says so
        }
        kafka.close();
        database.releaseWhenUnused();
    }
}
