package dev.culprit.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code culprit cluster up|down|status}: the multi-process deployment of {@link LocalCluster} on
 * this machine, for trying Culprit on real engines without Docker.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A local multi-process deployment: 3 Kafka nodes (KRaft, 3 copies of every topic, 2 in sync), "
                + "a Flink JobManager and TaskManagers, and H2's TCP server, each a process on 127.0.0.1 with its log and "
                + "PID file under DATA_DIR/cluster/. `culprit submit` starts the detection job on it; `culprit collect "
                + "--bootstrap-servers ... --kafka-properties DATA_DIR/secrets/cluster-kafka.properties` publishes to it."},
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Status.class})
public final class ClusterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Where the cluster's files, logs and secrets live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Culprit.EXIT_USAGE;
    }

    /** The cluster started under --data-dir, or a usage mistake saying how to start one. */
    static LocalCluster started(Path dataDir) {
        return LocalCluster.of(dataDir).orElseThrow(() -> new IllegalStateException("no cluster under "
                + dataDir.toAbsolutePath().resolve(LocalCluster.DIRECTORY) + ": `culprit cluster up --data-dir " + dataDir + "` starts one"));
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Starts the cluster and returns once every part answers (about 30 s); exit 1 with the failing part's log if one does not.")
    static final class Up implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;

        @Spec
        CommandSpec spec;

        @Option(names = "--taskmanagers", defaultValue = "2", paramLabel = "N",
                description = "How many TaskManagers, of " + LocalCluster.SLOTS_PER_TASK_MANAGER + " slots each (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--flink-lib", paramLabel = "DIR",
                description = "Flink's jars (default: engines/target/flink-lib of this checkout).")
        Path flinkLib;

        @Override
        public Integer call() throws IOException {
            if (taskManagers < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--taskmanagers must be 1 or more");
            }
            PrintWriter err = spec.commandLine().getErr();
            LocalCluster started = LocalCluster.up(cluster.dataDir, Checkout.engines(flinkLib), taskManagers, err);
            err.println("culprit: cluster up. Next: culprit submit --data-dir " + cluster.dataDir
                    + "; collectors: --bootstrap-servers " + started.kafka().bootstrapServers() + " --kafka-properties "
                    + cluster.dataDir.resolve(LocalCluster.KAFKA_CLIENT_PROPERTIES));
            err.flush();
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops what `cluster up` started under the data directory, and nothing else; its files stay.")
    static final class Down implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            started(cluster.dataDir).down(spec.commandLine().getErr());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each part of the cluster: running or not, its PID and where it listens; the jobs Flink runs. "
                    + "Exit 0 when every part runs, 1 otherwise.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ClusterCommand cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            LocalCluster started = started(cluster.dataDir);
            PrintWriter out = spec.commandLine().getOut();
            boolean all = true;
            java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
            for (LocalCluster.Member m : started.members()) {
                rows.add(java.util.List.of(m.name(), m.alive() ? "running" : "stopped", m.pid() > 0 ? String.valueOf(m.pid()) : "-",
                        m.listens()));
                all &= m.alive();
            }
            TextTable.print(out, Terminal.ofStdout().width(), java.util.List.of(TextTable.Column.whole("PART"),
                    TextTable.Column.whole("STATE"), TextTable.Column.whole("PID"), TextTable.Column.cut("LISTENS", 10)), rows);
            try {
                var jobs = started.rest().get("/jobs/overview").path("jobs");
                if (jobs.isEmpty()) {
                    out.println("jobs: none (`culprit submit` starts the detection job)");
                }
                for (var job : jobs) {
                    out.println("job " + job.path("jid").asText() + " " + job.path("name").asText() + ": " + job.path("state").asText());
                }
            } catch (IOException e) {
                out.println("jobs: Flink's REST API does not answer (" + e.getMessage() + ")");
            }
            out.flush();
            return all ? 0 : Culprit.EXIT_RUNTIME;
        }
    }

    /** Where this checkout's build put the engines and the job jar. */
    static final class Checkout {
        private Checkout() {}

        /** The checkout's root: beside the ./culprit launcher, else three levels above the app jar. */
        static Path root() {
            String launcher = System.getenv("CULPRIT_LAUNCHER");
            if (launcher != null && !launcher.isBlank()) {
                return Path.of(launcher).toAbsolutePath().getParent();
            }
            try {
                Path jar = Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return jar.getParent().getParent().getParent();
            } catch (java.net.URISyntaxException e) {
                return Path.of(".").toAbsolutePath();
            }
        }

        static LocalCluster.Engines engines(Path flinkLib) {
            Path lib = flinkLib != null ? flinkLib : root().resolve("engines/target/flink-lib");
            return new LocalCluster.Engines(lib, System.getProperty("java.class.path"));
        }

        static Path jobJar(Path given) throws IOException {
            return given != null ? given : jobJarIn(root().resolve("stream-jobs/target"));
        }

        /** The job jar stream-jobs' build left in {@code target}. */
        static Path jobJarIn(Path target) throws IOException {
            try (var jars = Files.list(target)) {
                return jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no job jar in " + target + ": build it with "
                                + "`mvn -pl stream-jobs -am package`, or give --jar"));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalStateException("no job jar: " + target + " does not exist (build it with `mvn -pl stream-jobs -am package`, or give --jar)");
            }
        }
    }
}
