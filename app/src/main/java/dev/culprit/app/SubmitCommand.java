package dev.culprit.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code culprit submit}: the detection job's jar onto the Flink of {@code culprit cluster up},
 * over Flink's REST API, with the settings that point it at that cluster's Kafka and H2.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Uploads the detection job's jar to the Flink session cluster `culprit cluster up` started and runs it "
                + "there: reading that cluster's Kafka, writing alerts to culprit.alerts (in Kafka transactions) and the "
                + "history to its H2 server, checkpointing under DATA_DIR/cluster/checkpoints. Prints the job id."})
public final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "The data directory of `culprit cluster up` (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The job jar (default: stream-jobs/target/*-job.jar of this checkout).")
    Path jar;

    @Option(names = "--parallelism", defaultValue = "2", paramLabel = "N",
            description = "Parallel instances of each operator; at most the cluster's slots (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule files the job reads at start, on the JobManager's file system (default: the shipped rules).")
    Path rules;

    @Override
    public Integer call() throws IOException {
        if (parallelism < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--parallelism must be 1 or more");
        }
        LocalCluster cluster = ClusterCommand.started(dataDir);
        Path jobJar = ClusterCommand.Checkout.jobJar(jar);
        PrintWriter err = spec.commandLine().getErr();
        FlinkRest rest = cluster.rest();
        String jarId = rest.uploadJar(jobJar);
        List<String> args = new ArrayList<>(arguments(cluster, rules));
        args.addAll(List.of("--parallelism", String.valueOf(parallelism)));
        String job = rest.run(jarId, args, parallelism);
        spec.commandLine().getOut().println(job);
        spec.commandLine().getOut().flush();
        err.println("culprit: job " + job + " runs on " + cluster.restUri() + " (parallelism " + parallelism + ")");
        err.flush();
        return 0;
    }

    /** The job's settings ({@code dev.culprit.jobs.cluster.SessionClusterJob}) for this cluster. */
    static List<String> arguments(LocalCluster cluster, Path rules) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", cluster.kafka().bootstrapServers(),
                "--kafka-properties", cluster.kafkaClientProperties().toString(),
                "--db-url", cluster.databaseUrl(),
                "--db-logins", cluster.databaseLogins().toString(),
                "--checkpoints", cluster.checkpoints().toUri().toString()));
        if (rules != null) {
            args.add("--rules");
            args.add(rules.toAbsolutePath().toString());
        }
        return args;
    }
}
