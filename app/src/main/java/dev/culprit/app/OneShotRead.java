package dev.culprit.app;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceRegistry;
import dev.culprit.collectors.apache.ApacheStatusPoller;
import dev.culprit.collectors.apache.SavedStatusPages;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.evasive.DosLogDirWatcher;
import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.ProcSource;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code culprit collect --once}: saved input from start to end, into an archive or into Kafka.
 * Each PATH is a log file, a /proc capture (snapshot directories as
 * scripts/capture/proc-snapshot.sh writes them), or a directory, searched through its
 * subdirectories for both, for mod_status pages saved by scripts/capture/apache-status.sh (with
 * their {@code times.txt}) and for copies of mod_evasive's DOSLogDir ({@code dos-<IP>} files,
 * each a blacklisting at its mtime, so copied with {@code cp -a}, {@code tar} or {@code rsync -a}). What cannot be read is listed with the reason and the rest is read;
 * only when nothing at all can be read is it a mistake.
 */
final class OneShotRead {

    /** {@code mail.log.2.gz}: the base name, and how many rotations old it is. */
    private static final Pattern ROTATED = Pattern.compile("(.*?)(?:\\.(\\d{1,6}))?(?:\\.gz)?");

    private final PrintWriter err;
    private final String host;
    private final LogKind forcedKind;
    private final CollectorConfig config;

    OneShotRead(PrintWriter err, String host, LogKind forcedKind, CollectorConfig config) {
        this.err = err;
        this.host = host;
        this.forcedKind = forcedKind;
        this.config = config;
    }

    /** A path or source left out, and why. */
    private record Skipped(String what, String reason) {
        Skipped(Path path, String reason) {
            this(path.toString(), reason);
        }
    }

    /**
     * A source to read, and what the summary calls it: the path it reads, or its name in the config;
     * for a log file, the file and the kind it is read as (else null).
     */
    private record Found(String what, Source source, Path log, LogKind kind) {
        Found(Path path, Source source) {
            this(path.toString(), source, null, null);
        }
    }

    /** How the sources read: how many to their end, and one warning per log most of whose lines did not parse. */
    private record Outcome(int read, List<String> mostlyUnparseable) {}

    /**
     * @param configured whether a config file was given: without PATHs its sources are read
     *     one-shot (its logs from their beginning, its proc root as a capture, its status page once)
     */
    int run(List<Path> paths, boolean configured, Path out, KafkaAccess kafka, Path dataDir) throws Exception {
        if (paths.isEmpty() && !configured) {
            err.println("culprit collect --once: name at least one PATH (a log, a /proc capture or a directory of them), "
                    + "or --config FILE to read its sources once");
            return Culprit.EXIT_USAGE;
        }
        if (out == null && kafka == null) {
            err.println("culprit collect --once: give --out ARCHIVE, or Kafka with --bootstrap-servers or kafka.bootstrapServers");
            return Culprit.EXIT_USAGE;
        }
        List<Found> sources = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Path path : paths) {
            find(path, sources, skipped);
        }
        if (paths.isEmpty()) {
            SourceRegistry.configured(config, new SourceRegistry.Context(host, Clock.systemUTC(), Map.of()))
                    .forEach(source -> sources.add(new Found(source.name(), source, null, null)));
        }
        if (sources.isEmpty()) {
            skipped.forEach(s -> err.println("culprit: skipped " + s.what() + ": " + s.reason()));
            err.println("culprit collect --once: nothing to read" + (skipped.isEmpty() && !paths.isEmpty() ? " in "
                    + paths.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "))
                    + ": no log, /proc capture, saved status page or DOSLogDir copy there" : "")
                    + (forcedKind == null && !skipped.isEmpty()
                    ? "; pass --kind evasive|phpmail|access if a file is such a log" : ""));
            return Culprit.EXIT_USAGE;
        }
        if (out != null) {
            Outcome outcome;
            try (EventArchive.Writer archive = new EventArchive.Writer(out)) {
                outcome = readAll(sources, skipped, (events, positions) -> {
                    events.forEach(archive::write);
                    return true;
                });
                if (outcome.read() == 0) {
                    return Culprit.EXIT_USAGE;
                }
                err.printf("culprit: %d event(s) from %d source(s) written to %s%n", archive.written(), outcome.read(), out);
            }
            return misread(outcome, "culprit deadletters " + out);
        }
        // Its own spool: a one-shot read must not disturb a live collector's positions.
        Path spoolDir = dataDir.resolve("spool-once-" + ProcessHandle.current().pid());
        try (Spool spool = Spool.open(spoolDir, Long.MAX_VALUE);
             KafkaShipper shipper = new KafkaShipper(spool, kafka, host + "-once-" + ProcessHandle.current().pid()).start()) {
            Outcome outcome = readAll(sources, skipped, spool);
            if (outcome.read() == 0) {
                return Culprit.EXIT_USAGE;
            }
            boolean shipped = shipper.awaitShipped(Duration.ofMinutes(5));
            err.printf("culprit: %d record(s) from %d source(s) published to %s%n", shipper.shippedRecords(), outcome.read(), kafka);
            if (!shipped) {
                err.println("culprit: Kafka did not take everything within 5 minutes; the rest stays in " + spoolDir);
                return Culprit.EXIT_RUNTIME;
            }
            return misread(outcome, "culprit deadletters, on the pipeline's data directory,");
        }
    }

    /**
     * A log most of whose lines did not parse was read as the wrong kind, or is no log of ours: that
     * is said, and the read fails (exit 1), though what did parse and the dead letters were kept.
     */
    private int misread(Outcome outcome, String deadLettersCommand) {
        if (outcome.mostlyUnparseable().isEmpty()) {
            return 0;
        }
        outcome.mostlyUnparseable().forEach(warning -> err.println("culprit collect --once: " + warning));
        err.println("culprit collect --once: " + deadLettersCommand + " shows the lines that did not parse, with file, offset and reason");
        return Culprit.EXIT_RUNTIME;
    }

    /** Why a log most of whose lines did not parse as {@code kind} did not, and what to do about it. */
    private String mostlyUnparseable(Found found, long unparseable, long read) {
        String what = found.log() + ": " + unparseable + " of " + read + " line(s) are not " + article(found.kind()) + " log's";
        Optional<LogKind> fits;
        try {
            fits = LogKind.detect(found.log());
        } catch (IOException e) {
            fits = Optional.empty();
        }
        if (fits.isPresent() && fits.get() != found.kind()) {
            return what + "; it looks like " + article(fits.get()) + " log: pass --kind " + fits.get().label()
                    + (forcedKind == null ? "" : " or leave --kind out");
        }
        return what + (forcedKind == null ? "; it holds a few such lines among many others: is it the log you meant?"
                : "; no kind Culprit reads fits it better");
    }

    private static String article(LogKind kind) {
        return (kind == LogKind.EVASIVE || kind == LogKind.ACCESS ? "an " : "a ") + kind.label();
    }

    /**
     * Reads every source to its end, then prints one line per source from its counters and one
     * per path skipped.
     */
    private Outcome readAll(List<Found> sources, List<Skipped> skipped, BatchSink sink) throws IOException {
        int read = 0;
        List<String> summary = new ArrayList<>();
        List<String> mostlyUnparseable = new ArrayList<>();
        for (Found found : sources) {
            Source source = found.source();
            try (source) {
                source.readToEnd(sink);
                read++;
                var counters = source.counters();
                summary.add(counters.summary(found.what()));
                if (found.log() != null && counters.unparseable() * 2 > counters.read()) {
                    mostlyUnparseable.add(mostlyUnparseable(found, counters.unparseable(), counters.read()));
                }
            } catch (IOException | RuntimeException e) {
                // A file that fails half-way (a truncated .gz) keeps what it gave; the rest goes on.
                String reason = Source.describe(e);
                long before = source.counters().read();
                skipped.add(new Skipped(found.what(), before == 0 ? reason : "stopped after " + before + " read: " + reason));
            }
        }
        summary.forEach(line -> err.println("culprit: " + line));
        skipped.forEach(s -> err.println("culprit: skipped " + s.what() + ": " + s.reason()));
        if (read == 0) {
            err.println("culprit collect --once: nothing could be read");
        }
        return new Outcome(read, mostlyUnparseable);
    }

    /** Adds what {@code path} holds to {@code sources}, or says in {@code skipped} why it is left out. */
    private void find(Path path, List<Found> sources, List<Skipped> skipped) {
        try {
            if (Files.isDirectory(path)) {
                if (ProcSource.isCapture(path)) {
                    sources.add(new Found(path, capture(path)));
                    return;
                }
                if (SavedStatusPages.isSaved(path)) {
                    sources.add(new Found(path, new SavedStatusPages(path,
                            new ApacheStatusPoller(host, config.sources().apache().settings(), Clock.systemUTC()))));
                    return;
                }
                List<Path> entries = entries(path);
                if (entries.stream().anyMatch(DosLogDirWatcher::isBlacklisting)) {
                    sources.add(new Found(path, new DosLogDirWatcher(path, host)));
                }
                for (Path entry : entries) {
                    if (!DosLogDirWatcher.isBlacklisting(entry)) {
                        find(entry, sources, skipped);
                    }
                }
            } else if (!Files.exists(path)) {
                skipped.add(new Skipped(path, Files.isSymbolicLink(path) ? "a symbolic link to nothing" : "no such file"));
            } else if (!Files.isRegularFile(path)) {
                skipped.add(new Skipped(path, "not a regular file or directory"));
            } else {
                Optional<LogKind> kind = forcedKind != null ? readable(path) : LogKind.detect(path);
                if (kind.isEmpty()) {
                    skipped.add(new Skipped(path, Files.size(path) == 0 ? "empty" : LogKind.notRecognised()));
                } else {
                    sources.add(new Found(path.toString(), kind.get().saved(path, config, host, Clock.systemUTC()), path, kind.get()));
                }
            }
        } catch (AccessDeniedException e) {
            skipped.add(new Skipped(path, "unreadable: permission denied"));
        } catch (NoSuchFileException e) {
            skipped.add(new Skipped(path, "gone while being read"));
        } catch (IOException e) {
            skipped.add(new Skipped(path, "unreadable: " + (e.getMessage() == null ? e.toString() : e.getMessage())));
        }
    }

    /** With --kind every file is of that kind; it must still open. */
    private Optional<LogKind> readable(Path file) throws IOException {
        Files.newInputStream(file).close();
        return Optional.of(forcedKind);
    }

    private ProcSource capture(Path dir) {
        CollectorConfig.Proc proc = config.sources().proc();
        return new ProcSource(dir, host, Clock.systemUTC(),
                new DeviceFilter(proc.includePartitions(), proc.includeVirtualDevices()), proc.topProcesses(), proc.every());
    }

    /**
     * A directory's entries, the logs of one name oldest rotation first ({@code mail.log.2.gz},
     * {@code mail.log.1}, {@code mail.log}), so that an archive holds each log in its own order.
     */
    private static List<Path> entries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            listing.forEach(entries::add);
        }
        entries.sort(Comparator.comparing((Path p) -> base(p)).thenComparing(p -> -rotations(p)));
        return entries;
    }

    private static String base(Path file) {
        Matcher m = ROTATED.matcher(file.getFileName().toString());
        m.matches();
        return m.group(1);
    }

    private static int rotations(Path file) {
        Matcher m = ROTATED.matcher(file.getFileName().toString());
        m.matches();
        return m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    }
}
