package dev.culprit.app;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.tail.TailedLogSource;
import dev.culprit.events.access.KafkaAccess;
import dev.culprit.storage.EventArchive;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
                err.println("culprit collect --once: " + file + ": " + LogKind.notRecognised()
                        + "; pass --kind evasive|phpmail if it is one");
                return Culprit.EXIT_USAGE;
            }
        }
        if (out != null) {
            try (EventArchive.Writer archive = new EventArchive.Writer(out)) {
                readAll(files, (events, positions) -> {
                    events.forEach(archive::write);
                    return true;
                });
                err.printf("culprit: %d event(s) from %d file(s) written to %s%n", archive.written(), files.size(), out);
            }
            return 0;
        }
        // Its own spool: a one-shot read must not disturb a live collector's positions.
        Path spoolDir = dataDir.resolve("spool-once-" + ProcessHandle.current().pid());
        try (Spool spool = Spool.open(spoolDir, Long.MAX_VALUE);
             KafkaShipper shipper = new KafkaShipper(spool, kafka, host + "-once-" + ProcessHandle.current().pid()).start()) {
            readAll(files, spool);
            boolean shipped = shipper.awaitShipped(Duration.ofMinutes(5));
            err.printf("culprit: %d record(s) from %d file(s) published to %s%n", shipper.shippedRecords(), files.size(), kafka);
            if (!shipped) {
                err.println("culprit: Kafka did not take everything within 5 minutes; the rest stays in " + spoolDir);
                return Culprit.EXIT_RUNTIME;
            }
        }
        return 0;
    }

    /** Reads each file to its end, then prints one line per file from its counters. */
    private void readAll(List<Path> files, BatchSink sink) throws IOException {
        List<String> summary = new ArrayList<>();
        for (Path file : files) {
            LogKind kind = forcedKind != null ? forcedKind : LogKind.detect(file).orElseThrow();
            try (TailedLogSource log = kind.saved(file, config, host, Clock.systemUTC())) {
                log.readToEnd(sink);
                summary.add(log.counters().summary(file.toString()));
            }
        }
        summary.forEach(line -> err.println("culprit: " + line));
    }
}
