package dev.culprit.app;

import dev.culprit.events.access.OwnerOnlyFile;
import dev.culprit.events.text.ShortDigest;
import dev.culprit.jobs.CulpritJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * The detection job's checkpoints under the data directory ({@code checkpoints/SHAPE/JOB/chk-N}),
 * kept when the job is stopped or killed, and the savepoint it takes on a clean stop, so that the
 * next run resumes with the detectors' memory: open incidents stay open and close when their
 * condition does, scripts known to send mail are not new again, and Kafka is read on from where
 * the checkpoint or savepoint was taken. {@code SHAPE} is the state's
 * {@link CulpritJob#stateFingerprint() fingerprint} and the Kafka it reads: a build that keeps
 * different state starts afresh rather than fail on state it cannot read, and so does a run on
 * another Kafka, whose offsets the saved ones are not.
 */
final class SavedJobState {

    static final String DIRECTORY = "checkpoints";
    private static final String METADATA = "_metadata";
    /** The data directory's own name among pipelines: random, made on its first start and kept. */
    static final String PIPELINE_ID = "pipeline.id";

    private final Path dataDir;
    private final Path shape;

    private SavedJobState(Path dataDir, Path shape) {
        this.dataDir = dataDir;
        this.shape = shape;
    }

    /** @param kafka which Kafka the job reads: "embedded" for the data directory's own broker, else its bootstrap servers */
    static SavedJobState in(Path dataDir, String kafka) {
        return new SavedJobState(dataDir,
                dataDir.resolve(DIRECTORY).resolve(CulpritJob.stateFingerprint() + "-" + ShortDigest.of(kafka, 4)));
    }

    /**
     * The prefix of the alert sink's Kafka transactions. Pipelines on other data directories may
     * share the Kafka (several `culprit run`), so it carries this directory's random id, not its
     * path (every host may call it "data"). A restart on the same state resumes under the same
     * prefix and aborts what a killed run left open; a new state shape starts a new prefix, so
     * its first run, which counts checkpoints from 1 again, does not probe the old shape's
     * every transaction id to find the open ones (those expire after
     * {@link dev.culprit.jobs.KafkaEndpoints#ALERT_TRANSACTION_TIMEOUT}).
     */
    String alertTransactionPrefix() {
        return "culprit-" + pipelineId() + "-" + shape.getFileName();
    }

    private String pipelineId() {
        Path file = dataDir.resolve(PIPELINE_ID);
        try {
            Files.writeString(file, UUID.randomUUID() + "\n", StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            // made by an earlier start: kept for good
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the pipeline id " + file, e);
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pipeline id " + file, e);
        }
    }

    /**
     * Where the job stopped cleanly saves its state ({@code checkpoints/SHAPE/JOB-stop/savepoint-...}):
     * beside its checkpoints, so that {@link #latest} finds it and {@link #pruneSuperseded} keeps only
     * the newest of all.
     */
    Path savepointDirectory(JobID job) {
        return shape.resolve(job + "-stop");
    }

    /** The newest complete checkpoint or savepoint of this state shape: one whose metadata was written. */
    Optional<Path> latest() {
        if (!Files.isDirectory(shape)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(shape, 3, (path, attributes) ->
                path.getFileName().toString().equals(METADATA) && attributes.isRegularFile())) {
            return files.max(Comparator.comparingLong(SavedJobState::modified)).map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for saved job state in " + shape, e);
        }
    }

    /**
     * Removes what no run will resume from: checkpoints of other shapes (an older build's, which
     * this one cannot read; another Kafka's of this shape are kept for runs on that Kafka) and
     * every job's checkpoints and savepoint but those holding the latest of them (a new run makes
     * its own first checkpoint from scratch, so one earlier snapshot is all that needs keeping).
     */
    void pruneSuperseded() {
        Path all = shape.getParent();
        String thisBuild = CulpritJob.stateFingerprint() + "-";
        Optional<Path> keep = latest().map(checkpoint -> checkpoint.getParent());
        try (Stream<Path> shapes = Files.isDirectory(all) ? Files.list(all) : Stream.empty()) {
            for (Path other : (Iterable<Path>) shapes::iterator) {
                if (!other.getFileName().toString().startsWith(thisBuild)) {
                    deleteTree(other);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + all, e);
        }
        try (Stream<Path> jobs = Files.isDirectory(shape) ? Files.list(shape) : Stream.empty()) {
            for (Path job : (Iterable<Path>) jobs::iterator) {
                if (keep.map(k -> !k.equals(job)).orElse(true)) {
                    deleteTree(job);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + shape, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Checkpoints go here and are kept on stop; the latest, if any, is restored. */
    Configuration settings() {
        // The detectors' memory names the same scripts, clients and processes as the database: owner only.
        OwnerOnlyFile.privateDirectory(shape.getParent());
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, shape.toAbsolutePath().toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        latest().ifPresent(checkpoint -> {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toAbsolutePath().toString());
            // An operator a later build no longer has is no reason not to resume the others.
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        });
        return conf;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE; // vanished while listed: never the latest
        }
    }
}
