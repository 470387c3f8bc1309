package dev.culprit.app;

import dev.culprit.events.text.Durations;
import dev.culprit.storage.Database;
import dev.culprit.storage.EventArchive;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentSpan;
import dev.culprit.storage.RawEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code culprit capture}: a stretch of the stored raw events, written as a capture archive for replay. */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {
            "Writes the host events the pipeline stored (the last 7 days) to a capture archive for `culprit replay`.",
            "",
            "  culprit capture --from 2h --host web1 --out web1.culprit.gz",
            "  culprit capture --incident 3f9c0a1b --out stall.culprit.gz",
            "",
            "Times are ISO-8601 instants (2026-11-29T10:00:00Z) or durations back from now (90s, 2h, 1d)."})
public final class CaptureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--from", converter = TimeConverter.class, paramLabel = "TIME",
            description = "Start of the range (inclusive).")
    Instant from;

    @Option(names = "--to", converter = TimeConverter.class, paramLabel = "TIME",
            description = "End of the range (exclusive; default: now).")
    Instant to;

    @Option(names = "--host", paramLabel = "NAME", description = "Only this host's events (default: every host).")
    String host;

    @Option(names = "--incident", paramLabel = "ID",
            description = "The incident's id as `culprit query incidents` lists it, or its key. Capture the events of this incident's host from its start to its end (now while open), with --margin either side.")
    String incident;

    @Option(names = "--margin", converter = DurationConverter.class, defaultValue = "2m", paramLabel = "DURATION",
            description = "With --incident: how much before and after to include (default: ${DEFAULT-VALUE}).")
    Duration margin;

    @Option(names = "--out", required = true, paramLabel = "ARCHIVE", description = "The archive to write (gzip'd JSON lines).")
    Path out;

    @Mixin
    DatabaseOption database;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        Optional<String> mistake = mistake();
        if (mistake.isPresent()) {
            err.println("culprit capture: " + mistake.get());
            return Culprit.EXIT_USAGE;
        }
        Database db = Database.at(database.access());
        long now = System.currentTimeMillis();
        long fromTs;
        long toTs;
        String onHost;
        String what;
        if (incident != null) {
            Optional<IncidentSpan> span;
            try {
                span = IncidentSpan.find(db, incident);
            } catch (IncidentId.Ambiguous e) {
                err.println("culprit capture: " + TerminalText.printable(e.getMessage()));
                return Culprit.EXIT_RUNTIME;
            }
            if (span.isEmpty()) {
                err.println("culprit capture: no incident '" + TerminalText.printable(incident.strip()) + "' in " + database.where());
                return Culprit.EXIT_RUNTIME;
            }
            onHost = span.get().host();
            fromTs = span.get().start() - margin.toMillis();
            toTs = (span.get().end() != null ? span.get().end() : now) + margin.toMillis();
            what = "around incident " + span.get().shortId() + " (" + TerminalText.printable(onHost) + ", margin " + margin.toSeconds() + " s)";
        } else {
            fromTs = from.toEpochMilli();
            toTs = to != null ? to.toEpochMilli() : now;
            onHost = host;
            what = "from " + (host == null ? "every host" : TerminalText.printable(host));
        }
        long captured;
        try (EventArchive.Writer archive = new EventArchive.Writer(out)) {
            captured = new RawEventStore(db).forEach(fromTs, toTs, onHost, archive::write);
        } catch (RuntimeException e) {
            // a cut-short archive would read back as a complete, quieter stretch
            deleteQuietly(out, e);
            throw e;
        }
        var stdout = spec.commandLine().getOut();
        stdout.printf("captured %d event(s) %s between %s and %s into %s%n",
                captured, what, Instant.ofEpochMilli(fromTs), Instant.ofEpochMilli(toTs), out);
        if (captured == 0) {
            err.println("culprit capture: nothing stored in that range, the archive is empty (is the pipeline keeping raw events, "
                    + "and is the range within their retention?)");
        }
        return 0;
    }

    private Optional<String> mistake() {
        if (incident != null) {
            if (from != null || to != null || host != null) {
                return Optional.of("--incident sets the range and host itself; leave out --from, --to and --host");
            }
        } else if (from == null) {
            return Optional.of("say what to capture: --from TIME [--to TIME] or --incident ID");
        } else if (to != null && !from.isBefore(to)) {
            return Optional.of("--from " + from + " is not before --to " + to);
        }
        return Optional.empty();
    }

    private static void deleteQuietly(Path file, RuntimeException cause) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** An instant as ISO-8601, or a duration back from now as operators write it ({@code 2h}). */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException notAnInstant) {
                try {
                    return Instant.now().minus(Durations.parse(value));
                } catch (IllegalArgumentException notADuration) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is neither an ISO-8601 instant "
                            + "(2026-11-29T10:00:00Z) nor a time back from now (90s, 2h, 1d)");
                }
            }
        }
    }
}
