package dev.culprit.testkit;

import dev.culprit.events.access.KafkaAccess;
import java.util.Collection;

/** A real Kafka that a test can talk to. */
public interface KafkaCluster {

    /** Its address and the login its clients need; build every client from {@link KafkaAccess#clientConfig()}. */
    KafkaAccess access();

    void createTopics(Collection<String> topics);
}
