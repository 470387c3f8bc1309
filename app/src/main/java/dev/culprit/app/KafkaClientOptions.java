package dev.culprit.app;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.OwnerOnlyFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-properties FILE}: the login for a Kafka that is not Culprit's embedded broker
 * (which has its own, under the data directory). Without one, that Kafka is used unauthenticated:
 * it is a cluster the operator secures.
 */
final class KafkaClientOptions {

    /** A client properties file that cannot be used; the message names the file and what to do. */
    static final class UnusableKafkaProperties extends Exception {
        UnusableKafkaProperties(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Option(names = "--kafka-properties", paramLabel = "FILE",
            description = "Kafka client properties with the cluster's login (security.protocol, sasl.*, ssl.*), "
                    + "as kafka-console-producer --producer.config takes them; mode 0600, owned by you. "
                    + "Without it Kafka is used unauthenticated.")
    Path file;

    /** Access to {@code bootstrapServers} with the login in --kafka-properties, else in {@code fallback} (may be null). */
    KafkaAccess access(String bootstrapServers, Path fallback) throws UnusableKafkaProperties {
        Path properties = file != null ? file : fallback;
        return properties == null ? KafkaAccess.unauthenticated(bootstrapServers) : read(bootstrapServers, properties);
    }

    /** Access to {@code bootstrapServers} with the login in {@code properties}, which must be its owner's alone. */
    static KafkaAccess read(String bootstrapServers, Path properties) throws UnusableKafkaProperties {
        try {
            return KafkaAccess.fromPropertiesFile(bootstrapServers, properties);
        } catch (OwnerOnlyFile.UnsafeSecretFile | UncheckedIOException e) {
            throw new UnusableKafkaProperties("Kafka client properties: " + e.getMessage(), e);
        }
    }
}
