package dev.culprit.app;

import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.collectors.tail.TailedLogSource;
import dev.culprit.events.Event;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code culprit bench lines}: how many log lines a second the collector side takes, parsing alone and
 * end to end from the file to the fsync'd spool. During a DoS mod_evasive writes a line per
 * blocked request; this is the number to compare with that rate (and with fail2ban-regex).
 */
@Command(name = "lines", mixinStandardHelpOptions = true,
        description = {"Measures log lines per second through a parser, and from file to spool.",
            "Results of runs on the project's machines are kept in docs/PERFORMANCE.md."})
final class LineBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A real log: Apache error log with mod_evasive lines, or PHP mail.log.")
    Path file;

    @Option(names = "--kind", paramLabel = "KIND", description = "evasive, phpmail or access (default: told from the lines).")
    LogKind kind;

    @Option(names = "--repeat", defaultValue = "50", paramLabel = "N",
            description = "Go through the file this many times per measurement (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println(BenchMachine.describe());
        if (!Files.isReadable(file) || repeat < 1) {
            spec.commandLine().getErr().println("culprit bench lines: need a readable FILE and --repeat of at least 1");
            return Culprit.EXIT_USAGE;
        }
        LogKind logKind = kind != null ? kind : LogKind.detect(file).orElse(null);
        if (logKind == null) {
            spec.commandLine().getErr().println("culprit bench lines: cannot tell what " + file + " is; pass --kind");
            return Culprit.EXIT_USAGE;
        }
        List<String> lines = Files.readAllLines(file);
        TailedLogSource.Kind reader = logKind.reader(ZoneId.systemDefault(), Clock.systemUTC());

        // Warm-up, then three measured rounds: the best is the machine's capacity, the spread its noise.
        parseRound(lines, reader);
        List<Double> parseRates = new ArrayList<>();
        long eventsPerRound = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            eventsPerRound = parseRound(lines, reader);
            parseRates.add(lines.size() * (double) repeat / ((System.nanoTime() - t0) / 1e9));
        }
        out.printf(Locale.ROOT, "parse+aggregate  %s: %,d lines -> %,d events per pass; lines/s %s%n",
                logKind.label(), lines.size(), eventsPerRound / repeat, rates(parseRates));

        Path scratch = Files.createTempDirectory("culprit-bench");
        try {
            Path log = scratch.resolve("bench.log");
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < repeat; i++) {
                lines.forEach(l -> text.append(l).append('\n'));
            }
            Files.writeString(log, text);
            List<Double> spoolRates = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                Path spoolDir = scratch.resolve("spool-" + round);
                long t0 = System.nanoTime();
                try (Spool spool = Spool.open(spoolDir, Long.MAX_VALUE);
                     TailedLogSource source = new TailedLogSource("bench", log, reader, "bench", Clock.systemUTC(),
                             Optional.of(FilePosition.BEGINNING))) {
                    // live polling from the beginning: the path a followed log's lines take
                    while (source.poll(spool)) {
                        // to the end
                    }
                }
                spoolRates.add(lines.size() * (double) repeat / ((System.nanoTime() - t0) / 1e9));
            }
            out.printf(Locale.ROOT, "file->spool      %s: tail, parse, aggregate, fsync'd spool append; lines/s %s%n",
                    logKind.label(), rates(spoolRates));
        } finally {
            BenchMachine.deleteScratch(scratch);
        }
        out.printf(Locale.ROOT, "heap in use after: %d MiB (max %d MiB)%n",
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20, Runtime.getRuntime().maxMemory() >> 20);
        out.flush();
        return 0;
    }

    private long parseRound(List<String> lines, TailedLogSource.Kind reader) {
        long events = 0;
        for (int i = 0; i < repeat; i++) {
            List<Event> parsed = new ArrayList<>();
            for (String line : lines) {
                if (reader.parser().parse("bench", line) instanceof ParseResult.Parsed p) {
                    parsed.add(p.event());
                }
            }
            events += reader.aggregation().apply(parsed).size();
        }
        return events;
    }

    private static String rates(List<Double> rates) {
        double best = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double worst = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return String.format(Locale.ROOT, "best %,.0f, worst %,.0f (3 rounds)", best, worst);
    }
}
