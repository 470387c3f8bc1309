package dev.culprit.testkit;

import dev.culprit.events.Topics;
import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.events.access.RandomSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives a test class a real Kafka: the in-process KRaft broker by default (secured as Culprit runs
 * it, with a random password), or Testcontainers' {@code KafkaContainer} (unauthenticated) when run
 * with {@code -Dculprit.kafka=container} on a host with Docker.
 * Declare a {@link KafkaCluster} parameter to receive it; one broker serves the whole class.
 */
public final class RealKafka implements ParameterResolver {

    public static final String MODE_PROPERTY = "culprit.kafka";
    private static final String KAFKA_IMAGE = "apache/kafka:4.2.0";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getParent().isPresent()
                && context.getTestMethod().isPresent() ? context.getParent().get() : context;
        return classContext.getStore(ExtensionContext.Namespace.create(RealKafka.class))
                .getOrComputeIfAbsent("cluster", key -> start(), CloseableCluster.class);
    }

    private static CloseableCluster start() {
        if ("container".equals(System.getProperty(MODE_PROPERTY))) {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return new ContainerCluster();
            }
            System.err.println("culprit.kafka=container but no Docker engine answers: using the embedded broker");
        }
        return new EmbeddedCluster();
    }

    /** A cluster JUnit closes when the test class is done with it. */
    private interface CloseableCluster extends KafkaCluster, ExtensionContext.Store.CloseableResource {}

    private static final class EmbeddedCluster implements CloseableCluster {
        private final Path dir;
        private final EmbeddedKafka kafka;

        EmbeddedCluster() {
            try {
                dir = Files.createTempDirectory("culprit-kafka");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            kafka = EmbeddedKafka.start(dir, RandomSecret.generate());
        }

        @Override
        public KafkaAccess access() {
            return kafka.access();
        }

        @Override
        public void createTopics(Collection<String> topics) {
            kafka.createTopics(topics);
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    private static final class ContainerCluster implements CloseableCluster {
        private final KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);

        ContainerCluster() {
            container.start();
        }

        @Override
        public KafkaAccess access() {
            return KafkaAccess.unauthenticated(container.getBootstrapServers());
        }

        @Override
        public void createTopics(Collection<String> topics) {
            try (Admin admin = Admin.create(access().clientConfig())) {
                var existing = admin.listTopics().names().get();
                List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                        .map(t -> new NewTopic(t, Topics.partitionsOf(t), (short) 1).configs(Topics.configOf(t))).collect(Collectors.toList());
                admin.createTopics(missing).all().get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topics " + topics, e);
            }
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
