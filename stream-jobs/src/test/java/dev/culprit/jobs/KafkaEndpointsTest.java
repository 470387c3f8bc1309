package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.Topics;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaEndpointsTest {

    /** A collector's event on a topic the job does not read would be published and never judged. */
    @Test
    void theJobReadsTheTopicOfEveryKindOfHostEvent() {
        List<Class<?>> produced = Arrays.stream(Event.class.getPermittedSubclasses())
                .filter(type -> type != Alert.class && type != Incident.class && type != DeadLetter.class)
                .toList();

        assertThat(produced).isNotEmpty();
        for (Class<?> type : produced) {
            assertThat(KafkaEndpoints.INPUT_TOPICS).as(type.getSimpleName()).contains(topicOf(type));
        }
    }

    private static String topicOf(Class<?> type) {
        return Topics.ALL.stream().filter(topic -> {
            try {
                return Topics.typeOf(topic) == type;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }).findFirst().orElseThrow();
    }
}
