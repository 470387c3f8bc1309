package dev.culprit.app;

import dev.culprit.events.access.KafkaAccess;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
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

    /** How long `run` waits at start for the Kafka it is given to answer. */
    static final Duration KAFKA_ANSWER_WITHIN = Duration.ofSeconds(5);

    /**
     * Why {@code kafka} cannot be used, or null when it answers. Asked once at start, so that a wrong
     * address or login fails within seconds, naming the address; once running, the job's Kafka
     * clients ride out an outage on their own.
     */
    private static String unreachable(KafkaAccess kafka) {
        int ms = (int) KAFKA_ANSWER_WITHIN.toMillis();
        try (Admin admin = Admin.create(kafka.clientConfig(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, ms)))) {
            admin.describeCluster().clusterId().get(ms + 1_000L, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
                return "Kafka at " + kafka.bootstrapServers() + " refused the login (" + cause.getMessage()
                        + "): check --kafka-properties";
            }
            return cannotReach(kafka);
        } catch (TimeoutException | KafkaException e) {
            return cannotReach(kafka);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while reaching Kafka at " + kafka.bootstrapServers();
        }
    }

    private static String cannotReach(KafkaAccess kafka) {
        return "cannot reach Kafka at " + kafka.bootstrapServers() + " (no answer within " + KAFKA_ANSWER_WITHIN.toSeconds()
                + " s): is it running there, and is --bootstrap-servers its client listener?";
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
        String unreachable = unreachable(kafka);
        if (unreachable != null) {
            err.println("culprit run: " + unreachable);
            return Culprit.EXIT_RUNTIME;
        }
        PipelineRuntime runtime = new ExternalKafka(kafka,
                DataDirectory.prepare(dataDir, err::println).database("culprit"), dataDir);
        try (StopSignal stop = StopSignal.install("culprit-run")) {
            WebhookAlerts webhook = detection.webhookOutlet();
            try {
                Pipeline pipeline = Pipeline.start(runtime, null, rules, detection.keepEvents, System.out, System.console() != null,
                        DetectionOptions.outlets(webhook), List.of());
                try {
                    err.println("culprit: detecting on " + kafka + "; history in " + dataDir.resolve("culprit.mv.db")
                            + ". Ctrl-C to stop.");
                    stop.await(null);
                    err.println("culprit: stopping ...");
                } finally {
                    pipeline.close();
                }
                err.println("culprit: " + pipeline.alertsPrinted() + " alert(s) shown");
            } finally {
                if (webhook != null) {
                    webhook.close();
                    err.println("culprit: " + webhook.summary());
                }
            }
        }
        return 0;
    }
}
