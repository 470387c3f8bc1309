package dev.culprit.app;

import dev.culprit.collectors.Collector;
import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.EventArchive;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit collect}: this host's collectors, publishing to a Kafka cluster. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {
            "Runs this host's collectors (see collectors/collector.example.yaml) and publishes their events to Kafka; "
                    + "events wait in an on-disk spool under the data directory while Kafka is unreachable. "
                    + "Runs until Ctrl-C or --duration.",
            "",
            "With --once: reads the given PATHs from beginning to end (forensics on another machine's data), "
                    + "each event stamped with the data's own time, publishes them and exits. A PATH is a log "
                    + "(mod_evasive, PHP mail(); rotated .1 and .gz too), a /proc capture (snapshot directories "
                    + "as scripts/capture/proc-snapshot.sh writes them), or a directory searched through its "
                    + "subdirectories for these, for status pages saved by scripts/capture/apache-status.sh and "
                    + "for copies of mod_evasive's DOSLogDir; what it cannot read is "
                    + "listed with the reason. Without PATHs, reads the config's sources once: its logs from their "
                    + "beginning, its proc root as a capture, its status page as it is now.",
            "",
            "With --out: writes a capture archive instead of publishing (for `culprit replay`)."})
public final class CollectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Collector config (YAML; default: $CULPRIT_CONFIG, else /etc/culprit/collector.yaml, else "
                    + "./collector.yaml); required unless --once PATH... (then it only sets host, time zones "
                    + "and the proc settings).")
    Path config;

    @Option(names = "--once", description = "Read the PATHs to their end and exit.")
    boolean once;

    @Option(names = "--out", paramLabel = "ARCHIVE",
            description = "Write a capture archive (for `culprit replay`) instead of publishing to Kafka.")
    Path out;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Live: stop after this long, e.g. 40s (default: run until Ctrl-C).")
    java.time.Duration duration;

    @Option(names = "--kind", paramLabel = "KIND", description = "With --once: what the log files are: ${COMPLETION-CANDIDATES} (default: told from their lines).")
    LogKind kind;

    @Option(names = "--host", paramLabel = "NAME", description = "With --once: the host the logs came from (default: the config's host, else this machine's name).")
    String host;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "With --once: the logs, /proc captures and directories to read.")
    List<Path> paths = List.of();

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "Where the spool and log positions live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to (default: kafka.bootstrapServers from the config).")
    String bootstrapServers;

    /** Overrides the config's {@code kafka.clientProperties}. */
    @Mixin
    KafkaClientOptions kafkaClient;

    @Option(names = {"-v", "--verbose"}, description = "Log what the Kafka client is doing.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        var err = spec.commandLine().getErr();
        SearchOrder search = SearchOrder.of(spec);
        boolean configured = search.collectorConfig(config) != null;
        if (!once && (!configured || !paths.isEmpty())) {
            err.println("culprit collect: " + (!configured ? "no collector config (looked at " + search.configPlaces()
                    + "): give --config FILE (or --once PATH...)" : "PATH arguments go with --once"));
            return Culprit.EXIT_USAGE;
        }
        CollectorConfig collectors;
        try {
            collectors = search.loadCollectorConfig(config, err, "the defaults");
        } catch (ConfigLoader.ConfigException e) {
            Culprit.printMistake(err, spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        String servers = bootstrapServers != null ? bootstrapServers : collectors.kafka().bootstrapServers();
        KafkaAccess kafka; // none when writing an archive: its login is not needed then
        try {
            kafka = servers == null || out != null ? null : kafkaClient.access(servers, collectors.kafka().clientProperties());
        } catch (KafkaClientOptions.UnusableKafkaProperties e) {
            err.println("culprit collect: " + e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        if (once) {
            return new OneShotRead(err, host != null ? host : Collector.hostName(collectors), kind, collectors)
                    .run(paths, configured, out, kafka, dataDir);
        }
        if (kafka == null && out == null) {
            err.println("culprit collect: no Kafka to publish to: set kafka.bootstrapServers in " + search.collectorConfig(config).path()
                    + " or pass --bootstrap-servers (culprit demo runs an embedded broker)");
            return Culprit.EXIT_USAGE;
        }
        Logging.configure(verbose);
        // The archive closes before the stop signal lets the JVM go on: else Ctrl-C leaves it cut short.
        try (StopSignal stop = StopSignal.install("culprit-collect");
             EventArchive.Writer archive = out == null ? null : new EventArchive.Writer(out)) {
            Collector collector = archive == null
                ? Collector.start(collectors, dataDir, kafka, Clock.systemUTC())
                : Collector.startInto(collectors, (events, positions) -> {
                    synchronized (archive) {
                        events.forEach(archive::write);
                    }
                    return true;
                }, Clock.systemUTC());
            try {
                err.println("culprit: collecting as '" + Collector.hostName(collectors) + "' into " + (archive == null ? kafka : out)
                        + (duration == null ? "; Ctrl-C to stop." : " for " + duration.toSeconds() + " s."));
                stop.await(duration);
            } finally {
                collector.close(); // before the summary: closing gives Kafka a last moment to take the spool
            }
            // Unparseable input went to culprit.deadletter; for proc, dropped counts process figures above the disks' bound too.
            collector.counters().forEach((source, counters) -> err.println("culprit: " + counters.summary(source)));
            if (archive == null) {
                err.printf("culprit: %d record(s) shipped%n", collector.shippedRecords());
                KafkaShipper.Backlog left = collector.leftInSpool();
                if (left.records() > 0) {
                    err.println("culprit: " + (left.exact() ? "" : "up to ") + left.records() + " record(s) wait in the spool "
                            + Collector.spoolDirectory(dataDir) + (left.exact() ? ": " + kafka + " did not take them in time"
                            : ": " + kafka + " was not reached, so what an earlier run shipped is not known")
                            + "; they ship on the next start");
                }
            }
        }
        return 0;
    }
}
