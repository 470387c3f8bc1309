package dev.culprit.app;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code culprit bench collector}: what {@code culprit collect} costs a host beside the tools an
 * operator would otherwise leave running, {@code pidstat -d 1} and {@code iostat -x 1}, sampling
 * the same host over the same seconds. Each party is its own process, started the way a user
 * starts it (the collector through the {@code culprit} launcher, with the JVM options it gives
 * {@code collect}), and measured from outside through /proc: CPU time (user + system) and peak
 * resident memory.
 */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Measures the collector's CPU time and peak RSS beside pidstat -d 1 plus iostat -x 1, in one run.",
            "All three sample this host at 1 s for the same seconds; idle processes are added first "
                    + "until the host has --processes of them. The collector samples /proc only and writes an archive, "
                    + "so no Kafka is involved. Needs sysstat (pidstat, iostat)."})
final class CollectorBench implements Callable<Integer> {

    /** Set by the {@code culprit} launcher to itself, so the collector is started as a user starts it. */
    static final String LAUNCHER_ENV = "CULPRIT_LAUNCHER";

    private static final Duration POLL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Option(names = "--processes", defaultValue = "1000", paramLabel = "N",
            description = "Processes the host should have while it is sampled; idle ones are started to make up the number (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long all three sample (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long seconds = duration.toSeconds();
        if (seconds < 2 || processes < 0) {
            err.println("culprit bench collector: --duration must be at least 2s and --processes not negative");
            return Culprit.EXIT_USAGE;
        }
        String launcher = System.getenv(LAUNCHER_ENV);
        if (launcher == null || !Files.isExecutable(Path.of(launcher))) {
            err.println("culprit bench collector: run it through the culprit launcher (./culprit bench collector), "
                    + "which starts the collector as users do");
            return Culprit.EXIT_USAGE;
        }
        for (String tool : List.of("pidstat", "iostat")) {
            if (!onPath(tool)) {
                err.println("culprit bench collector: " + tool + " not found: install sysstat (apt-get install sysstat)");
                return Culprit.EXIT_USAGE;
            }
        }
        out.println(BenchMachine.describe());
        Path scratch = Files.createTempDirectory("culprit-bench-collector");
        Process idle = null;
        try {
            int before = processCount();
            int added = Math.max(0, processes - before);
            if (added > 0) {
                idle = startIdle(added);
                awaitProcesses(before + added, Duration.ofSeconds(60));
            }
            out.printf(Locale.ROOT, "host: %,d processes (%,d idle ones added); each party samples for %d s at 1 s%n",
                    processCount(), added, seconds);
            out.flush();

            Path config = scratch.resolve("collector.yaml");
            Files.writeString(config, "host: bench\nsources:\n  proc:\n    enabled: true\n    interval: 1s\n");
            Path archive = scratch.resolve("samples.culprit.gz");
            Path collectorLog = scratch.resolve("collect.err");
            ProcessBuilder collect = new ProcessBuilder(launcher, "collect", "--config", config.toString(),
                    "--data-dir", scratch.resolve("data").toString(), "--out", archive.toString(),
                    "--duration", seconds + "s")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(collectorLog.toFile());
            // CULPRIT_JAVA_OPTS, set for this bench's own JVM, must not change the collector's.
            collect.environment().remove("CULPRIT_JAVA_OPTS");
            List<Party> parties = List.of(
                    new Party("culprit collect (proc)", collect),
                    new Party("pidstat -d 1", tool("pidstat", "-d", "1", String.valueOf(seconds))),
                    new Party("iostat -x 1", tool("iostat", "-x", "1", String.valueOf(seconds))));
            parties.forEach(Party::start);
            long started = System.nanoTime();
            boolean halfway = false;
            while (parties.stream().anyMatch(Party::running)) {
                parties.forEach(Party::poll);
                if (!halfway && System.nanoTime() - started >= duration.toNanos() / 2) {
                    halfway = true;
                    parties.forEach(Party::markHalfway);
                }
                Thread.sleep(POLL.toMillis());
            }
            for (Party party : parties) {
                if (party.process.exitValue() != 0) {
                    err.println("culprit bench collector: " + party.name + " exited with " + party.process.exitValue()
                            + (party.name.startsWith("culprit") ? ": " + tail(collectorLog) : ""));
                    return Culprit.EXIT_RUNTIME;
                }
            }
            long scans = scans(archive);
            out.println();
            // The second half shows what each costs once started: a collector runs for months, its JVM starts once.
            out.printf(Locale.ROOT, "%-24s %8s %22s %13s%n", "party", "CPU s", "CPU s/min, 2nd half", "peak RSS MiB");
            for (Party p : parties) {
                out.printf(Locale.ROOT, "%-24s %8.2f %22.2f %13.1f%n", p.name, p.cpuSeconds,
                        (p.cpuSeconds - p.cpuAtHalfway) * 60 / (seconds / 2.0), p.peakRssKiB / 1024.0);
            }
            Party collector = parties.get(0);
            double peers = parties.get(1).cpuSeconds + parties.get(2).cpuSeconds;
            out.printf(Locale.ROOT, "collector: %,d scans of /proc in %d s (its JVM's start and stop included)%n", scans, seconds);
            out.printf(Locale.ROOT, "ratio (collector / pidstat + iostat): CPU %.2f, RSS %.1f%n",
                    collector.cpuSeconds / peers,
                    collector.peakRssKiB / (double) (parties.get(1).peakRssKiB + parties.get(2).peakRssKiB));
            out.flush();
            return scans == 0 ? Culprit.EXIT_RUNTIME : 0;
        } finally {
            if (idle != null) {
                idle.descendants().forEach(ProcessHandle::destroy);
                idle.destroy();
            }
            BenchMachine.deleteScratch(scratch);
        }
    }

    /** One process measured from outside; what it used is read until it exits (within {@link #POLL} of its end). */
    private static final class Party {
        final String name;
        final ProcessBuilder command;
        Process process;
        double cpuSeconds;
        double cpuAtHalfway;
        long peakRssKiB;

        Party(String name, ProcessBuilder command) {
            this.name = name;
            this.command = command;
        }

        void start() {
            try {
                process = command.start();
            } catch (IOException e) {
                throw new IllegalStateException(name + ": cannot start: " + e.getMessage(), e);
            }
        }

        boolean running() {
            return process.isAlive();
        }

        void markHalfway() {
            cpuAtHalfway = cpuSeconds;
        }

        void poll() {
            process.info().totalCpuDuration().ifPresent(cpu -> cpuSeconds = Math.max(cpuSeconds, cpu.toNanos() / 1e9));
            // -1 once it has exited: its figure is then that of the last poll
            peakRssKiB = Math.max(peakRssKiB, BenchMachine.peakResidentKiB(process.pid()));
        }
    }

    private static ProcessBuilder tool(String... command) {
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    /** A shell holding {@code count} sleeping children: processes the collector must scan, like a busy web host's. */
    private static Process startIdle(int count) throws IOException {
        return new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + count + " ]; do sleep 86400 & i=$((i+1)); done; wait")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void awaitProcesses(int count, Duration limit) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (processCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static int processCount() throws IOException {
        try (var entries = Files.list(Path.of("/proc"))) {
            return (int) entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    /** How many times the collector sampled the machine's CPU: one per scan of /proc. */
    private static long scans(Path archive) {
        if (!Files.exists(archive)) {
            return 0;
        }
        long scans = 0;
        try (EventArchive.Reader reader = EventArchive.open(archive)) {
            for (Event e = reader.next(); e != null; e = reader.next()) {
                if (e instanceof CpuSample) {
                    scans++;
                }
            }
        }
        return scans;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        return lines.isEmpty() ? "(it printed nothing)" : String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }
}
