package dev.culprit.app;

import dev.culprit.app.report.IncidentReport;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.EventFormatException;
import dev.culprit.events.Topics;
import java.io.IOException;
import java.util.ArrayList;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentFilter;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentQueries;
import dev.culprit.storage.TimeOrderedArchive;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit replay}: a capture archive through the detection job again. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {
            "Feeds a capture archive through the same detection job, in the events' own time, and prints the incidents.",
            "",
            "Incidents go to a separate replay store (<data-dir>/replay.mv.db), not into history. "
                    + "With --diff, they are compared with those recorded in history for the same span and hosts: "
                    + "this is how a rule change is back-tested. The same archive gives the same incidents at any speed."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ARCHIVE", description = "A capture archive (culprit capture, culprit collect --out).")
    Path archive;

    @Option(names = "--speed", defaultValue = "max", paramLabel = "SPEED",
            description = "1x (as it happened), 10x, any Nx, or max (default: ${DEFAULT-VALUE}).")
    String speed;

    @Option(names = "--rules", paramLabel = "DIR", description = "Rule files to judge by (default: $CULPRIT_RULES, else /etc/culprit/rules/, else the shipped rules).")
    Path rulesDir;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table or json: one incident per line, or with --diff one line holding the differences (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--diff", description = "Compare with the incidents recorded in history for the same span and hosts.")
    boolean diff;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR",
            description = "Holds the replay store and, for --diff, the history (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--no-store", description = "Keep the incidents found nowhere but on the screen.")
    boolean noStore;

    @Option(names = "--report-dir", paramLabel = "DIR",
            description = "Also write each incident found as an HTML report (as `culprit report` makes them, from the archive's "
                    + "events) to DIR/incident-ID.html.")
    Path reportDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double timesFaster;
        try {
            timesFaster = parseSpeed(speed);
        } catch (IllegalArgumentException e) {
            err.println("culprit replay: --speed: " + e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        if (!format.equals("table") && !format.equals("json")) {
            err.println("culprit replay: --format must be table or json, was " + format);
            return Culprit.EXIT_USAGE;
        }
        if (!Files.isReadable(archive)) {
            err.println("culprit replay: " + archive + (Files.exists(archive) ? ": cannot read: permission denied" : ": no such file"));
            return Culprit.EXIT_USAGE;
        }
        RuleSet rules;
        try {
            rules = SearchOrder.of(spec).loadRules(rulesDir, err);
        } catch (RuleFileException e) {
            Culprit.printMistake(err, spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        if (reportDir != null && noStore) {
            err.println("culprit replay: --report-dir reads the incidents back from the replay store: drop --no-store");
            return Culprit.EXIT_USAGE;
        }
        if (reportDir != null && Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
            err.println("culprit replay: --report-dir " + reportDir + ": is a file; expected a directory");
            return Culprit.EXIT_USAGE;
        }
        if (diff && !Files.exists(dataDir.resolve("culprit.mv.db"))) {
            err.println("culprit replay: --diff needs history, and " + dataDir.resolve("culprit.mv.db") + " does not exist");
            return Culprit.EXIT_USAGE;
        }
        // --diff only reads history: it opens the existing database as the read-only user
        DatabaseAccess history = diff ? DataDirectory.existing(dataDir).reader("culprit") : null;
        DataDirectory data = DataDirectory.prepare(dataDir, err::println);
        LocalFlink.prepareKeystore(dataDir); // while the archive is sorted
        boolean tty = System.console() != null;
        List<Alert> alerts;
        HistoryDiff diffWithHistory = null;
        // The sorted runs live in the data directory: the events are as private as the history made of them.
        try (TimeOrderedArchive events = sorted(archive, tty, err)) {
            if (events == null) {
                return Culprit.EXIT_USAGE;
            }
            if (events.count() == 0) {
                err.println("culprit replay: " + archive + " holds no events");
                return 0;
            }
            DatabaseAccess store = noStore ? null : data.database("replay").access();
            Progress progress = new Progress(err, "replayed", events.count(), tty);
            alerts = Replay.run(dataDir, events, rules, timesFaster, store, progress::show);
            progress.done();
            if (diff) {
                diffWithHistory = HistoryDiff.of(alerts, history(history, events), events.lastTsByHost());
            }
            if (reportDir != null) {
                writeReports(Replay.incidents(alerts), IncidentQueries.open(store), events, rules, err);
            }
        }
        List<Incident> incidents = Replay.incidents(alerts);
        int width = Terminal.ofStdout().width();

        if (diffWithHistory != null) {
            if (format.equals("json")) {
                // a diff is one document: what a script reads is JSON and nothing else
                out.println(IncidentJson.line(diffWithHistory.json()));
            } else {
                printTable(out, width, incidents);
                out.println();
                diffWithHistory.print(out, width);
            }
        } else if (format.equals("json")) {
            Map<String, Incident> byKey = incidents.stream().collect(Collectors.toMap(Incident::id, Function.identity(), (x, y) -> x));
            for (Incident i : incidents) {
                out.println(IncidentJson.line(IncidentJson.of(i,
                        alerts.stream().filter(a -> a.incident().id().equals(i.id())).toList(), byKey)));
            }
        } else {
            printTable(out, width, incidents);
        }
        out.flush();
        return 0;
    }

    /**
     * One report per incident in {@link #reportDir}, each with its host's archived events around
     * it, gathered in one pass over the sorted archive.
     */
    private void writeReports(List<Incident> incidents, IncidentQueries replayStore, TimeOrderedArchive archive, RuleSet rules,
                              PrintWriter err) throws IOException {
        Files.createDirectories(reportDir);
        List<IncidentDetail> details = new ArrayList<>();
        for (Incident i : incidents) {
            replayStore.find(i.id()).ifPresent(details::add);
        }
        List<IncidentReport.Window> windows = details.stream()
                .map(d -> IncidentReport.Window.around(d.incident(), archive.lastTs())).toList();
        List<List<Event>> events = new ArrayList<>();
        details.forEach(d -> events.add(new ArrayList<>()));
        long undecoded = 0;
        try (TimeOrderedArchive.Merged merged = archive.runs().open()) {
            for (EncodedEvent e = merged.next(); e != null; e = merged.next()) {
                Event event = null;
                for (int n = 0; n < details.size(); n++) {
                    IncidentReport.Window w = windows.get(n);
                    if (e.ts() >= w.from() && e.ts() < w.to() && e.host().equals(details.get(n).incident().host())
                            && events.get(n).size() < IncidentReport.MOST_EVENTS) {
                        if (event == null) {
                            try {
                                event = EventCodec.decode(e.value(), Topics.typeOf(e.topic()));
                            } catch (EventFormatException | IllegalArgumentException notAnEvent) {
                                undecoded++;
                                break;
                            }
                        }
                        events.get(n).add(event);
                    }
                }
            }
        }
        for (int n = 0; n < details.size(); n++) {
            IncidentDetail d = details.get(n);
            Path file = reportDir.resolve(ReportCommand.fileName(d.incident().id()));
            ReportCommand.writePrivately(file, IncidentReport.html(new IncidentReport.Input(d, events.get(n), windows.get(n).from(),
                    windows.get(n).to(), rules, ReportCommand.fileHref()), java.time.ZoneId.systemDefault()));
        }
        err.println("culprit replay: " + details.size() + " report(s) written to " + reportDir
                + (undecoded == 0 ? "" : "; " + undecoded + " archived record(s) that are no event are left out of them"));
    }

    static double parseSpeed(String text) {
        if (text.equals("max")) {
            return 0;
        }
        if (text.matches("\\d+(\\.\\d+)?x") && Double.parseDouble(text.substring(0, text.length() - 1)) > 0) {
            return Double.parseDouble(text.substring(0, text.length() - 1));
        }
        throw new IllegalArgumentException("'" + text + "' is not a speed: write 1x, 10x, any Nx, or max");
    }

    /**
     * The archive in time order, with a progress line on a terminal while it is read; null (the
     * reason printed) when the file is not a readable archive.
     */
    private TimeOrderedArchive sorted(Path file, boolean tty, PrintWriter err) {
        Progress reading = new Progress(err, "read", -1, tty);
        try {
            TimeOrderedArchive events = TimeOrderedArchive.sort(file, dataDir, TimeOrderedArchive.DEFAULT_CHUNK_BYTES, reading::show);
            reading.done();
            return events;
        } catch (IllegalArgumentException e) {
            reading.done();
            err.println("culprit replay: " + e.getMessage());
            return null;
        }
    }

    /** What history holds for the archive's span on the archive's hosts, each incident in full. */
    private static List<IncidentDetail> history(DatabaseAccess history, TimeOrderedArchive events) {
        long first = events.firstTs();
        long last = events.lastTs();
        Set<String> hosts = events.lastTsByHost().keySet();
        IncidentQueries queries = IncidentQueries.open(history);
        return queries.details(queries
                .list(new IncidentFilter(Instant.ofEpochMilli(first), Instant.ofEpochMilli(last), null, null, null, false, 100_000))
                .stream().filter(s -> hosts.contains(s.host())).toList());
    }

    /** Kind, host and start are never cut; the culprits give way to the terminal's width, then the end and severity. */
    private static final List<TextTable.Column> COLUMNS = List.of(
            TextTable.Column.whole("ID"), TextTable.Column.whole("KIND"), TextTable.Column.allOrNothing("SEVERITY"),
            TextTable.Column.whole("HOST"), TextTable.Column.whole("START"), TextTable.Column.allOrNothing("END"),
            TextTable.Column.cut("CULPRITS", 12));

    private static void printTable(PrintWriter out, int width, List<Incident> incidents) {
        if (incidents.isEmpty()) {
            out.println("no incidents");
            return;
        }
        TextTable.print(out, width, COLUMNS, incidents.stream().map(i -> List.of(IncidentId.of(i.id()), IncidentJson.name(i.kind()),
                IncidentJson.name(i.severity()), i.host(), QueryCommand.Output.local(i.start()), QueryCommand.Output.end(i.start(), i.end()),
                i.culprits().stream().limit(4).map(c -> c.name()).collect(Collectors.joining(", ")))).toList());
        out.println(incidents.size() + " incident(s)");
    }

    /** A progress line on a terminal: events read or handed to the job, rate, and (when the total is known) time left. */
    private static final class Progress {
        private final PrintWriter err;
        private final String what;
        private final long total;
        private final boolean tty;
        private final long started = System.nanoTime();

        /** @param total how many events there are, or -1 while that is not known */
        Progress(PrintWriter err, String what, long total, boolean tty) {
            this.err = err;
            this.what = what;
            this.total = total;
            this.tty = tty;
        }

        void show(long done) {
            if (!tty) {
                return;
            }
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            double rate = done / seconds;
            if (total < 0) {
                err.printf(Locale.ROOT, "\r%,d events %s  %.0f ev/s ", done, what, rate);
                err.flush();
                return;
            }
            long eta = rate > 0 ? Math.round((total - done) / rate) : 0;
            int width = 30;
            int filled = (int) (width * done / Math.max(1, total));
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d events %s  %.0f ev/s  ETA %ds ",
                    "#".repeat(filled), " ".repeat(width - filled), done, total, what, rate, eta);
            err.flush();
        }

        void done() {
            if (tty) {
                err.println();
            }
        }
    }
}
