package dev.culprit.testkit;

import java.util.Collection;

/** A real Kafka that a test can talk to. */
public interface KafkaCluster {

    String bootstrapServers();

    void createTopics(Collection<String> topics);
}
