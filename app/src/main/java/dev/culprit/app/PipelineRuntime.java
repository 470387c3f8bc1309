package dev.culprit.app;

import dev.culprit.storage.Database;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the pipeline runs on: a Kafka to read and write, an H2 database, a data directory and Flink. */
interface PipelineRuntime {

    String bootstrapServers();

    Database database();

    Path dataDir();

    StreamExecutionEnvironment flink();
}
