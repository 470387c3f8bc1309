package dev.culprit.app;

import dev.culprit.app.report.IncidentReport;
import dev.culprit.events.Event;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFileException;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentQueries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit report}: one incident as a self-contained HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes one incident as a self-contained HTML page (no script, no external asset; works offline): "
                + "its summary and rule thresholds, the signal that fired over time with the thresholds and the incident's "
                + "span marked, its culprits ranked as bar charts, linked incidents, and the raw events with their file "
                + "and offset.",
            "",
            "Reads history like `culprit query`. For the incidents of a replay, `culprit replay ARCHIVE --report-dir DIR` "
                    + "writes one page per incident."})
public final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption database;

    @Parameters(paramLabel = "ID", description = "The incident's id as `culprit query incidents` lists it (8 hex digits), or its key.")
    String id;

    @Option(names = "--out", paramLabel = "FILE.html",
            description = "Where to write the page, readable by you only; - for standard output (default: incident-ID.html here).")
    Path out;

    @Option(names = "--rules", paramLabel = "DIR",
            description = "Rule files whose thresholds are shown (default: $CULPRIT_RULES, else /etc/culprit/rules/, else the shipped rules).")
    Path rulesDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RuleSet rules;
        try {
            rules = SearchOrder.of(spec).loadRules(rulesDir, err);
        } catch (RuleFileException e) {
            Culprit.printMistake(err, spec.commandLine(), e.getMessage());
            return Culprit.EXIT_USAGE;
        }
        IncidentQueries queries = IncidentQueries.open(database.access());
        Optional<IncidentDetail> found;
        try {
            found = queries.find(id);
        } catch (IncidentId.Ambiguous e) {
            err.println("culprit report: " + TerminalText.printable(e.getMessage()));
            return Culprit.EXIT_RUNTIME;
        }
        if (found.isEmpty()) {
            err.println("culprit report: no incident '" + TerminalText.printable(id.strip()) + "' in " + queries.url());
            return Culprit.EXIT_RUNTIME;
        }
        String html = fromHistory(queries, found.get(), rules, fileHref(), System.currentTimeMillis(), ZoneId.systemDefault());
        if (out != null && out.toString().equals("-")) {
            spec.commandLine().getOut().print(html);
            spec.commandLine().getOut().flush();
            return 0;
        }
        Path file = out != null ? out : Path.of(fileName(found.get().incident().id()));
        writePrivately(file, html);
        spec.commandLine().getOut().println("culprit report: incident " + found.get().incident().shortId() + " written to " + file);
        return 0;
    }

    /** The report of a stored incident, with its host's stored events around it. */
    static String fromHistory(IncidentQueries queries, IncidentDetail detail, RuleSet rules, Function<String, String> incidentHref,
                              long nowMs, ZoneId zone) {
        IncidentReport.Window window = IncidentReport.Window.around(detail.incident(), nowMs);
        List<Event> events = queries.events(detail.incident().host(), window.from(), window.to(), IncidentReport.MOST_EVENTS);
        return IncidentReport.html(new IncidentReport.Input(detail, events, window.from(), window.to(), rules, incidentHref), zone);
    }

    /** The file a report on the incident with this key is written to when not told: linked reports find each other by it. */
    static String fileName(String key) {
        return "incident-" + IncidentId.of(key) + ".html";
    }

    /** Links between reports written side by side, as `culprit replay --report-dir` writes them. */
    static Function<String, String> fileHref() {
        return ReportCommand::fileName;
    }

    /**
     * Writes the page readable by its owner only: it holds what the history holds (hosts, addresses,
     * command lines), which is its owner's alone.
     */
    static void writePrivately(Path file, String html) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException rewritten) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, html, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }
}
