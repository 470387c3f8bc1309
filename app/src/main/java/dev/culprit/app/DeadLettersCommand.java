package dev.culprit.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.DeadLetter;
import dev.culprit.events.EventCodec;
import dev.culprit.storage.Database;
import dev.culprit.storage.DeadLetterStore;
import dev.culprit.storage.EventArchive;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code culprit deadletters}: input that did not parse, with where it was and why, from history or an archive. */
@Command(name = "deadletters", mixinStandardHelpOptions = true,
        description = {"Lists dead letters, newest first: input that did not parse (a log line no parser took, a "
                + "record the job could not read), with its file, byte offset and the reason.",
            "",
            "From the history a running `culprit demo` or `culprit run` keeps (the culprit.deadletter topic, kept in H2 "
                    + "as long as raw events), or from an ARCHIVE written by `culprit collect --out`."})
final class DeadLettersCommand implements Callable<Integer> {

    /** How far back history is listed without --since; an archive is listed whole. */
    private static final Duration DEFAULT_SINCE = Duration.ofHours(24);

    /** The table cuts its cells at 80 characters; this one keeps its end. */
    private static final int WHERE_WIDTH = 60;

    public enum Format { TABLE, JSON }

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOption database;

    @Parameters(paramLabel = "ARCHIVE", arity = "0..1",
            description = "A capture archive (collect --out, capture) to read instead of the history.")
    Path archive;

    @Option(names = "--since", converter = QueryCommand.TimeConverter.class, paramLabel = "TIME",
            description = "ISO-8601 time or how long ago, e.g. 2h (default: 24h for history, all of an archive).")
    Instant since;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Only from this source: evasive, phpmail, access, proc, stream-jobs (case-insensitive).")
    String source;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table, or json: one object per line (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--limit", defaultValue = "100", paramLabel = "N", description = "At most N dead letters (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, was " + limit);
        }
        List<DeadLetter> found;
        String where;
        if (archive != null) {
            if (database.target != null) {
                throw new ParameterException(spec.commandLine(), "ARCHIVE and --data-dir/--db are two places to read: give one");
            }
            long from = since == null ? Long.MIN_VALUE : since.toEpochMilli();
            found = EventArchive.read(archive).stream()
                    .filter(e -> e instanceof DeadLetter).map(e -> (DeadLetter) e)
                    .filter(d -> d.ts() >= from && (source == null || d.source().equalsIgnoreCase(source)))
                    .sorted(Comparator.comparingLong(DeadLetter::ts).reversed()
                            .thenComparing(d -> d.file() == null ? "" : d.file())
                            .thenComparing(Comparator.comparingLong(DeadLetter::offset).reversed()))
                    .limit(limit)
                    .toList();
            where = archive.toString();
        } else {
            DeadLetterStore store = new DeadLetterStore(Database.at(database.access()));
            where = database.where();
            if (!store.keepsDeadLetters()) {
                spec.commandLine().getErr().println("culprit deadletters: " + where + " keeps no dead letters yet: an older "
                        + "Culprit wrote it; the next `culprit demo` or `culprit run` on it starts keeping them");
                return Culprit.EXIT_USAGE;
            }
            Instant from = since != null ? since : Instant.now().minus(DEFAULT_SINCE);
            found = store.list(new DeadLetterStore.Filter(from.toEpochMilli(), source, limit));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.JSON) {
            found.forEach(d -> out.println(json(d)));
        } else if (found.isEmpty()) {
            spec.commandLine().getErr().println("culprit deadletters: no dead letters in " + where
                    + (source == null ? "" : " from " + TerminalText.printable(source))
                    + (archive != null && since == null ? "" : " since " + QueryCommand.Output.local(
                            (since != null ? since : Instant.now().minus(DEFAULT_SINCE)).toEpochMilli())));
        } else {
            QueryCommand.Output.table(out, List.of("TIME", "HOST", "SOURCE", "FILE:OFFSET", "REASON", "LINE"),
                    found.stream().map(d -> List.of(QueryCommand.Output.local(d.ts()), d.host(), d.source(),
                            where(d), d.reason(), d.raw())).toList());
        }
        out.flush();
        return 0;
    }

    /** File and offset; a long path loses its start, not the file's name and the offset a reader looks for. */
    private static String where(DeadLetter d) {
        String where = TerminalText.printable(d.file() == null || d.file().isEmpty() ? "?" : d.file()) + ":" + d.offset();
        return where.length() <= WHERE_WIDTH ? where : "…" + where.substring(where.length() - WHERE_WIDTH + 1);
    }

    /** One dead letter as one line of JSON, its time as ISO-8601. */
    private static String json(DeadLetter d) {
        ObjectNode o = EventCodec.mapper().createObjectNode();
        o.put("ts", Instant.ofEpochMilli(d.ts()).toString());
        o.put("host", d.host());
        o.put("source", d.source());
        o.put("file", d.file());
        o.put("offset", d.offset());
        o.put("reason", d.reason());
        o.put("raw", d.raw());
        return o.toString();
    }
}
