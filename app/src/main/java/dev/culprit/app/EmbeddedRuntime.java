package dev.culprit.app;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Topics;
import dev.culprit.storage.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
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
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
        Database database = Database.open(Database.fileUrl(dataDir, "culprit"));
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
        try {
            kafka.createTopics(Topics.ALL);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        try {
            // Lets `culprit rules push --data-dir` find the broker, whose port changes per start.
            Files.writeString(dataDir.resolve(BOOTSTRAP_FILE), kafka.bootstrapServers());
        } catch (IOException e) {
            kafka.close();
            throw new UncheckedIOException("cannot write " + dataDir.resolve(BOOTSTRAP_FILE), e);
        }
        return new EmbeddedRuntime(dataDir, kafka, database);
    }

    /** The running embedded broker's address, written while it runs. */
    public static final String BOOTSTRAP_FILE = "kafka.bootstrap";

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
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
        return localFlink();
    }

    /** A local Flink environment: the job's operators run on threads of this JVM. */
    static StreamExecutionEnvironment localFlink() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        // Checkpoints commit the source's Kafka offsets, so a restart resumes where it stopped.
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
    }
}
