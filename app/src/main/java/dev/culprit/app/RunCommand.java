package dev.culprit.app;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code culprit run}: the detection job on a Kafka that collectors on other hosts publish to. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Runs the detection job against an existing Kafka (where `culprit collect` on each host publishes), "
                    + "keeps incidents and raw events in the H2 file under the data directory, and prints alerts. "
                    + "Flink runs in this JVM. Runs until Ctrl-C."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DetectionOptions detection;

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,...]", description = "The Kafka to read.")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "Where the H2 database and its logins (secrets/, owner only) live (default: ${DEFAULT-VALUE}).")
    Path dataDir;


    @Option(names = {"-v", "--verbose"}, description = "Log what Flink and the Kafka clients are doing.")
    boolean verbose;

    /** An existing Kafka, this JVM's Flink and an H2 file. */
    private record ExternalKafka(KafkaAccess kafka, Database database, Path dataDir) implements PipelineRuntime {
        @Override
        public StreamExecutionEnvironment flink() {
            return EmbeddedRuntime.localFlink(dataDir, savedState());
        }

        @Override
        public SavedJobState savedState() {
            return SavedJobState.in(dataDir, kafka.bootstrapServers());
        }
    }

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        RuleSet rules;
        try {
            rules = detection.rules();
        } catch (RuleFileException e) {
            Culprit.printMistake(err, spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        if (detection.mistake() != null) {
            err.println("culprit run: " + detection.mistake());
            return Culprit.EXIT_USAGE;
        }
        KafkaAccess kafka;
        try {
            kafka = kafkaClient.access(bootstrapServers, null);
        } catch (KafkaClientOptions.UnusableKafkaProperties e) {
            err.println("culprit run: " + e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        Logging.configure(verbose);
        PipelineRuntime runtime = new ExternalKafka(kafka,
                DataDirectory.prepare(dataDir, err::println).database("culprit"), dataDir);
        try (StopSignal stop = StopSignal.install("culprit-run");
             WebhookAlerts webhookOutlet = detection.webhookOutlet();
             Pipeline pipeline = Pipeline.start(runtime, null, rules, detection.keepEvents, System.out, System.console() != null,
                     DetectionOptions.outlets(webhookOutlet), List.of())) {
            err.println("culprit: detecting on " + kafka + "; history in " + dataDir.resolve("culprit.mv.db")
                    + ". Ctrl-C to stop.");
            stop.await(null);
            err.println("culprit: stopping ... " + pipeline.alertsPrinted() + " alert(s) shown");
        }
        return 0;
    }
}
