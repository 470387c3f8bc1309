package dev.culprit.app;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.tail.TailedLogSource;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.EventArchive;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** {@code culprit collect --once}: logs from start to end, into an archive or into Kafka. */
final class OneShotRead {

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

    int run(List<Path> files, Path out, KafkaAccess kafka, Path dataDir) throws Exception {
        if (files.isEmpty()) {
            err.println("culprit collect --once: name at least one log FILE");
            return Culprit.EXIT_USAGE;
        }
        if (out == null && kafka == null) {
            err.println("culprit collect --once: give --out ARCHIVE, or Kafka with --bootstrap-servers or kafka.bootstrapServers");
            return Culprit.EXIT_USAGE;
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                err.println("culprit collect --once: cannot read " + file);
                return Culprit.EXIT_USAGE;
            }
            if (forcedKind == null && LogKind.detect(file).isEmpty()) {
                err.println("culprit collect --once: " + file + " holds no mod_evasive or PHP mail() line in its first 1000; "
                        + "pass --kind evasive|phpmail if it is one");
                return Culprit.EXIT_USAGE;
            }
        }
        if (out != null) {
            try (EventArchive.Writer archive = new EventArchive.Writer(out)) {
                long[] totals = readAll(files, (events, positions) -> {
                    events.forEach(archive::write);
                    return true;
                });
                err.printf("culprit: %d line(s) from %d file(s), %d unparseable; %d event(s) written to %s%n",
                        totals[0], files.size(), totals[1], archive.written(), out);
            }
            return 0;
        }
        // Its own spool: a one-shot read must not disturb a live collector's positions.
        Path spoolDir = dataDir.resolve("spool-once-" + ProcessHandle.current().pid());
        try (Spool spool = Spool.open(spoolDir, Long.MAX_VALUE);
             KafkaShipper shipper = new KafkaShipper(spool, kafka, host + "-once-" + ProcessHandle.current().pid()).start()) {
            long[] totals = readAll(files, spool);
            boolean shipped = shipper.awaitShipped(Duration.ofMinutes(5));
            err.printf("culprit: %d line(s) from %d file(s), %d unparseable; %d record(s) published to %s%n",
                    totals[0], files.size(), totals[1], shipper.shippedRecords(), kafka);
            if (!shipped) {
                err.println("culprit: Kafka did not take everything within 5 minutes; the rest stays in " + spoolDir);
                return Culprit.EXIT_RUNTIME;
            }
        }
        return 0;
    }

    /** Returns {lines, unparseable}. */
    private long[] readAll(List<Path> files, BatchSink sink) throws Exception {
        long lines = 0;
        long unparseable = 0;
        for (Path file : files) {
            LogKind kind = forcedKind != null ? forcedKind : LogKind.detect(file).orElseThrow();
            String zone = kind == LogKind.EVASIVE ? config.sources().evasive().timeZone() : config.sources().phpmail().timeZone();
            TailedLogSource.Kind reader = kind.reader(zone == null ? ZoneId.systemDefault() : ZoneId.of(zone), Clock.systemUTC());
            try (TailedLogSource log = new TailedLogSource(file.toString(), file, reader, host, sink, Clock.systemUTC(),
                    Optional.empty(), true)) {
                while (log.pollOnce() > 0) {
                    // to the end of the file
                }
                lines += log.linesRead();
                unparseable += log.unparseableLines();
            }
        }
        return new long[] {lines, unparseable};
    }
}
