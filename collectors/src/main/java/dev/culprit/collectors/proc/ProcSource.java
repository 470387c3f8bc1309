package dev.culprit.collectors.proc;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.CaptureClock;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceRegistry;
import dev.culprit.collectors.SourceTally;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The host and process samplers over one proc root. Live, each poll samples the root as it is
 * now ({@code /proc}). One-shot, the root is a capture: snapshot directories as
 * scripts/capture/proc-snapshot.sh writes them ({@code t0/ t1/ ...}, each a proc root with a
 * {@code SNAPSHOT.txt}), sampled in the order they were taken, each at the time it was taken, so
 * a stall captured on another machine gives the events its live samplers would have sent.
 */
public final class ProcSource implements Source {

    /** In each snapshot directory: when it was read (see scripts/capture/README-proc.md). */
    static final String SNAPSHOT_FILE = "SNAPSHOT.txt";
    private static final String READ_START = "epoch_ms_start=";

    private final Path root;
    private final String host;
    private final DeviceFilter devices;
    private final int top;
    private final Duration interval;
    private final HostSampler hostSampler;
    private final ProcessSampler processSampler;
    private final SourceTally tally = new SourceTally("proc");

    public ProcSource(Path root, String host, Clock clock, DeviceFilter devices, int top, Duration interval) {
        this.root = root;
        this.host = host;
        this.devices = devices;
        this.top = top;
        this.interval = interval;
        this.hostSampler = new HostSampler(root, host, clock, devices);
        this.processSampler = new ProcessSampler(root, host, clock, top);
    }

    /** The {@code proc} section of a config: one source, or none when it is off. */
    public static List<Source> configured(CollectorConfig config, SourceRegistry.Context on) {
        CollectorConfig.Proc proc = config.sources().proc();
        if (!proc.enabled()) {
            return List.of();
        }
        return List.of(new ProcSource(proc.root(), on.host(), on.clock(),
                new DeviceFilter(proc.includePartitions(), proc.includeVirtualDevices()), proc.topProcesses(), proc.every()));
    }

    /**
     * Whether {@code dir} holds a capture: it is a snapshot, or every directory in it is one (a
     * directory of scenarios, each a capture, is not one capture).
     */
    public static boolean isCapture(Path dir) throws IOException {
        if (isSnapshot(dir)) {
            return true;
        }
        boolean any = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path entry : entries) {
                if (!isSnapshot(entry)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    @Override
    public String name() {
        return "proc";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean poll(BatchSink sink) {
        sample(hostSampler, processSampler, root, sink);
        return false;
    }

    /**
     * Samples every snapshot of the capture at the root, oldest first, with fresh samplers whose
     * clock reads each snapshot's capture time: the first snapshot is the baseline, as the live
     * samplers' first tick is.
     */
    @Override
    public void readToEnd(BatchSink sink) throws IOException {
        List<Snapshot> snapshots = snapshots(root);
        if (snapshots.isEmpty()) {
            throw new IOException(root + " is not a /proc capture: no " + SNAPSHOT_FILE
                    + " in it or its subdirectories (see scripts/capture/README-proc.md)");
        }
        CaptureClock readTime = new CaptureClock(0);
        HostSampler hosts = new HostSampler(root, host, readTime, devices);
        ProcessSampler processes = new ProcessSampler(root, host, readTime, top);
        for (Snapshot snapshot : snapshots) {
            readTime.set(snapshot.readAt());
            sample(hosts, processes, snapshot.dir(), sink);
        }
    }

    private void sample(HostSampler hosts, ProcessSampler processes, Path at, BatchSink sink) {
        long aboveBoundBefore = processes.ratesAboveDiskBound();
        // One tick, one read of uptime and diskstats for both samplers: the same interval, the same bytes.
        ProcTick tick = new ProcTick(at);
        List<Event> events = new ArrayList<>(hosts.sample(tick));
        events.addAll(processes.sample(tick));
        tally.read(1);
        tally.dropped(processes.ratesAboveDiskBound() - aboveBoundBefore);
        tally.writeOrDrop(sink, events);
    }

    @Override
    public SourceTally tally() {
        return tally;
    }

    /** A snapshot directory and when it was read. */
    private record Snapshot(Path dir, long readAt) {}

    /** The snapshots at {@code dir}, in the order they were read; one without its time is refused. */
    private static List<Snapshot> snapshots(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve(SNAPSHOT_FILE))) {
            return List.of(new Snapshot(dir, readStart(dir)));
        }
        List<Snapshot> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ProcSource::isSnapshot)) {
            for (Path entry : entries) {
                found.add(new Snapshot(entry, readStart(entry)));
            }
        }
        found.sort(Comparator.comparingLong(Snapshot::readAt));
        return found;
    }

    private static boolean isSnapshot(Path dir) {
        return Files.isRegularFile(dir.resolve(SNAPSHOT_FILE));
    }

    private static long readStart(Path snapshot) throws IOException {
        Path file = snapshot.resolve(SNAPSHOT_FILE);
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(READ_START)) {
                try {
                    return Long.parseLong(line.substring(READ_START.length()).trim());
                } catch (NumberFormatException e) {
                    throw new IOException(file + ": " + READ_START + " is not epoch milliseconds: " + line);
                }
            }
        }
        throw new IOException(file + ": no " + READ_START + " line (when the snapshot was read)");
    }

}
