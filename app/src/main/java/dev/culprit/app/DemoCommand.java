package dev.culprit.app;

import dev.culprit.collectors.Collector;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.Event;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code culprit demo}: everything in one JVM, watching this machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Runs Culprit embedded on this machine and prints alerts as they happen.",
            "",
            "One JVM: an in-process Kafka broker, local Flink and an H2 file under the data directory. It first replays "
                    + "three real incidents shipped with Culprit (I/O wait, DoS, mail flood), then samples this machine. "
                    + "Runs until Ctrl-C or --duration."})
public final class DemoCommand implements Callable<Integer> {

    /**
     * The shipped incidents end this long before the demo starts: live samples then move event
     * time past every shipped rule's cool-down at once (the mail rule's window and cool-down are
     * 20 minutes together), so a new user sees each incident fire and resolve within seconds, and
     * none is left open that is not going on.
     */
    private static final long SCENARIOS_END_BEFORE_NOW_MS = 25 * 60_000;

    @Spec
    CommandSpec spec;

    @Mixin
    DetectionOptions detection;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "Where the broker log and the H2 database live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long once the pipeline is up, e.g. 20s or 5m (default: run until Ctrl-C).")
    Duration duration;

    @Option(names = "--iowait-threshold", paramLabel = "PCT",
            description = "Override the I/O-wait rule's CPU iowait threshold in percent (rule default: 20).")
    Double iowaitThreshold;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Collector config (see collectors/collector.example.yaml; default: $CULPRIT_CONFIG, else "
                    + "/etc/culprit/collector.yaml, else ./collector.yaml, else sample /proc only).")
    Path config;


    @Option(names = "--no-scenarios", negatable = true, defaultValue = "true",
            description = "Replay the shipped real incidents (I/O wait, DoS, mail flood) first (default: on).")
    boolean scenarios;




    @Option(names = {"-v", "--verbose"}, description = "Log what the broker and Flink are doing.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (iowaitThreshold != null && (iowaitThreshold < 0 || iowaitThreshold > 100)) {
            spec.commandLine().getErr().println("culprit demo: --iowait-threshold must be between 0 and 100, was " + iowaitThreshold);
            return Culprit.EXIT_USAGE;
        }
        if (detection.mistake() != null) {
            spec.commandLine().getErr().println("culprit demo: " + detection.mistake());
            return Culprit.EXIT_USAGE;
        }
        CollectorConfig collectors;
        try {
            collectors = SearchOrder.of(spec).loadCollectorConfig(config, spec.commandLine().getErr(), "sampling /proc only");
        } catch (ConfigLoader.ConfigException e) {
            Culprit.printMistake(spec.commandLine().getErr(), spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        RuleSet rules;
        try {
            rules = detection.rules();
        } catch (RuleFileException e) {
            Culprit.printMistake(spec.commandLine().getErr(), spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        if (iowaitThreshold != null) {
            rules = rules.withIowait(rules.iowait().withIowaitPct(iowaitThreshold));
        }
        Logging.configure(verbose);
        String hostName = Collector.hostName(collectors);
        var err = spec.commandLine().getErr();

        err.println("culprit: starting embedded runtime in " + dataDir.toAbsolutePath() + " ...");
        long t0 = System.nanoTime();
        List<Event> replay = scenarios ? DemoScenarios.endingAt(System.currentTimeMillis() - SCENARIOS_END_BEFORE_NOW_MS) : List.of();
        try (StopSignal stop = StopSignal.install("culprit-demo")) {
            WebhookAlerts webhook = detection.webhookOutlet();
            try {
                try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir)) {
                    Pipeline pipeline = Pipeline.start(runtime, collectors, rules, detection.keepEvents, System.out,
                            System.console() != null, DetectionOptions.outlets(webhook), replay);
                    try {
                        err.printf("culprit: up in %.1f s — Kafka %s, H2 %s; watching %s as '%s'. %s%n",
                                (System.nanoTime() - t0) / 1e9, runtime.kafka().bootstrapServers(), dataDir.resolve("culprit.mv.db"),
                                collectors.sources().proc().root(), TerminalText.printable(hostName),
                                duration == null ? "Ctrl-C to stop." : "Stopping after " + duration.toSeconds() + " s.");
                        if (scenarios) {
                            err.println("culprit: first, " + DemoScenarios.NAMES.size() + " incidents recorded on a Debian 12 host replay ("
                                    + replay.stream().map(Event::host).distinct().collect(Collectors.joining(", ")) + "), moved in time to have ended "
                                    + SCENARIOS_END_BEFORE_NOW_MS / 60_000 + " min ago: their alerts come marked "
                                    + ReplayedAlerts.MARK + ", in time order, once each has resolved (within a minute)");
                        }
                        if (iowaitThreshold == null) {
                            err.println("culprit: " + (scenarios ? "then " : "") + "this machine's own alerts show only when it is "
                                    + "stalled; --iowait-threshold 0 makes it so, for one within about 10 s");
                        }
                        stop.await(duration);
                        err.println("culprit: stopping ...");
                    } finally {
                        pipeline.close();
                    }
                    long replayed = pipeline.replayedAlertsPrinted();
                    err.println("culprit: " + pipeline.alertsPrinted() + " alert(s) shown"
                            + (replayed == 0 ? "" : " (" + replayed + " replayed)") + "; history in " + dataDir.resolve("culprit.mv.db"));
                }
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
