package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.EventArchive;
import dev.culprit.storage.TimeOrderedArchive;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code culprit bench replay}: a fleet's archive through {@code culprit replay}'s path (sorted
 * runs, the detection job in local Flink, the replay store) as fast as it goes: events/s, the
 * heap and resident memory it took, CPU time.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays a fleet's archive as fast as it goes: events/s, peak heap and RSS, CPU time.",
            "The archive is made first (the shipped real incidents on every host, again and again), unless --archive names one."})
final class ReplayBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", defaultValue = "200", paramLabel = "N", description = "Hosts in the fleet (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--events", defaultValue = "1000000", paramLabel = "N", description = "Events in the archive (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--archive", paramLabel = "FILE", description = "Replay this archive instead of making one.")
    Path archive;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hosts < 1 || events < 1) {
            err.println("culprit bench replay: --hosts and --events must be at least 1");
            return Culprit.EXIT_USAGE;
        }
        out.println(BenchMachine.describe());
        Path scratch = Files.createTempDirectory("culprit-bench-replay");
        try {
            Path file = archive;
            if (file == null) {
                file = scratch.resolve("fleet.culprit.gz");
                long t0 = System.nanoTime();
                BenchFleet fleet = new BenchFleet(hosts);
                try (EventArchive.Writer writer = new EventArchive.Writer(file)) {
                    fleet.events(events, 1_796_000_000_000L, writer::write);
                }
                out.printf(Locale.ROOT, "archive: %,d events of %,d hosts (%.1f rounds of the shipped incidents), %,d MiB gzip'd, made in %.1f s%n",
                        events, hosts, events / (double) fleet.eventsPerRound(), Files.size(file) >> 20, (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
            Path dataDir = scratch.resolve("data");
            DataDirectory data = DataDirectory.prepare(dataDir, notice -> { });
            System.gc();
            BenchMachine.resetPeakResident();
            BenchMachine.LiveHeap liveHeap = new BenchMachine.LiveHeap();
            double cpu0 = BenchMachine.cpuSeconds();
            long t0 = System.nanoTime();
            List<Alert> alerts;
            long count;
            double sortSeconds;
            try (TimeOrderedArchive sorted = TimeOrderedArchive.sort(file, dataDir, TimeOrderedArchive.DEFAULT_CHUNK_BYTES, n -> { })) {
                sortSeconds = (System.nanoTime() - t0) / 1e9;
                count = sorted.count();
                alerts = Replay.run(dataDir, sorted, RuleSet.DEFAULT, 0, data.database("replay").access(), n -> { });
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = BenchMachine.cpuSeconds() - cpu0;
            long liveMiB = liveHeap.maxMiB();
            liveHeap.close();
            List<Incident> incidents = Replay.incidents(alerts);
            out.printf(Locale.ROOT, "replay: %,d events in %.1f s (read and sort %.1f s): %,.0f events/s; %,d incidents (%s) in %,d alerts%n",
                    count, seconds, sortSeconds, count / seconds, incidents.size(), byKind(incidents), alerts.size());
            out.printf(Locale.ROOT, "memory: heap held after collections at most %,d MiB of %,d MiB, RSS peak %,d MiB; CPU %.1f s (%.2f cores)%n",
                    liveMiB, Runtime.getRuntime().maxMemory() >> 20, BenchMachine.peakResidentMiB(), cpu, cpu / seconds);
            out.flush();
            return incidents.isEmpty() ? Culprit.EXIT_RUNTIME : 0;
        } finally {
            BenchMachine.deleteScratch(scratch);
        }
    }

    private static String byKind(List<Incident> incidents) {
        return incidents.stream().collect(java.util.stream.Collectors.groupingBy(i -> IncidentJson.name(i.kind()),
                java.util.TreeMap::new, java.util.stream.Collectors.counting())).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }
}
