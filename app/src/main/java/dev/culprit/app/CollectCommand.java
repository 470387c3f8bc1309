package dev.culprit.app;

import dev.culprit.collectors.Collector;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code culprit collect}: this host's collectors, publishing to a Kafka cluster. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {
            "Runs this host's collectors (see collectors/collector.example.yaml) and publishes their events to Kafka.",
            "Events wait in an on-disk spool under the data directory while Kafka is unreachable.",
            "Runs until Ctrl-C."})
public final class CollectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "Collector config (YAML).")
    Path config;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "Where the spool and log positions live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to (default: kafka.bootstrapServers from the config).")
    String bootstrapServers;

    @Option(names = {"-v", "--verbose"}, description = "Log what the Kafka client is doing.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        CollectorConfig collectors;
        try {
            collectors = ConfigLoader.load(config);
        } catch (ConfigLoader.ConfigException e) {
            err.println("culprit collect: " + e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        String kafka = bootstrapServers != null ? bootstrapServers : collectors.kafka().bootstrapServers();
        if (kafka == null) {
            err.println("culprit collect: no Kafka to publish to: set kafka.bootstrapServers in " + config
                    + " or pass --bootstrap-servers (culprit demo runs an embedded broker)");
            return Culprit.EXIT_USAGE;
        }
        Logging.configure(verbose);
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "culprit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Collector collector = Collector.start(collectors, dataDir, kafka, Clock.systemUTC())) {
            err.println("culprit: collecting as '" + Collector.hostName(collectors) + "' into " + kafka + "; Ctrl-C to stop.");
            stop.await();
            err.printf("culprit: %d line(s) read, %d unparseable (sent to culprit.deadletter), %d sample(s) dropped, %d record(s) shipped%n",
                    collector.linesRead(), collector.unparseableLines(), collector.droppedSamples(), collector.shippedRecords());
        } finally {
            stopped.countDown();
        }
        return 0;
    }
}
