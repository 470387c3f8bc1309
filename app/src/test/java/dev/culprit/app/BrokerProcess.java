package dev.culprit.app;

import dev.culprit.broker.EmbeddedKafka;
import dev.culprit.events.Topics;
import java.nio.file.Path;

/**
 * The embedded broker as a process of its own, for a test to SIGKILL: {@code BrokerProcess DIR PORT},
 * the password in {@value #PASSWORD_VARIABLE} (never on the command line, which every local user can read).
 */
final class BrokerProcess {

    static final String PASSWORD_VARIABLE = "CULPRIT_TEST_BROKER_PASSWORD";
    static final String READY = "broker ready";

    private BrokerProcess() {}

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), System.getenv(PASSWORD_VARIABLE));
        kafka.createTopics(Topics.ALL);
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
