package dev.culprit.app;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.Database;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the pipeline runs on: a Kafka to read and write, an H2 database, a data directory and Flink. */
interface PipelineRuntime {

    /** The Kafka, with the login every client of the pipeline uses. */
    KafkaAccess kafka();

    Database database();

    Path dataDir();

    StreamExecutionEnvironment flink();

    /** Where the job's checkpoints are kept and resumed from. */
    SavedJobState savedState();
}
