package dev.culprit.collectors.proc;

import dev.culprit.events.ProcessIoSample;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples which processes use the disks, from a proc root (normally {@code /proc}; a captured
 * fixture tree in tests). Each call to {@link #sample()} reads {@code stat} and {@code io} of
 * every process once and returns the top culprits of the interval since the previous call; the
 * first call only sets the baseline. Processes that neither moved bytes to or from a disk nor
 * waited on one are not sent, so a host's thousands of idle processes cost nothing downstream.
 *
 * <p>The interval is measured by {@code /proc/uptime}, as in {@link HostSampler}.
 *
 * <p>No process is reported with more bytes than the host's block devices and page cache took in
 * over the interval ({@link HostIoCounters#boundSince}: Σ Δ sectors of every {@code /proc/diskstats}
 * line × 512, plus for writes the growth of {@code Dirty + Writeback} in {@code /proc/meminfo} and
 * the cancelled write bytes). Those files and each process's {@code io} are read at different
 * moments of a scan that takes a while, and O_DIRECT bytes count in {@code io} when submitted but in
 * the sectors when done, so a real writer's figure can come out a little above the bound (1 % and
 * more with dd at 2 GB/s here): up to twice the bound it is clamped to the bound. Beyond twice, it
 * is accounting the process inherited from descendants we never saw, not its I/O: it is dropped,
 * not clamped, because a clamped figure would still name the process as a writer at the disks'
 * full rate when it wrote nothing we know of. Its D state and block-I/O delay are its own and still
 * count. Dropped figures are counted ({@link #ratesAboveDiskBound()}). Without both files there is
 * no bound and nothing is changed. A writer that starts just as an interval ends can lose that
 * interval's figure; processes reading or writing NFS or FUSE files, whose bytes pass no block
 * device, can lose theirs.
 */
public final class ProcessSampler {

    public static final int DEFAULT_TOP = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSampler.class);

    private final Path procRoot;
    private final String host;
    private final Clock clock;
    private final int top;

    private final ProcFileBuffer files = new ProcFileBuffer();
    private ProcessTable previous;
    private long unparseableProcesses;
    private long ratesAboveDiskBound;
    private boolean hostIoWarned;

    public ProcessSampler(Path procRoot, String host, Clock clock, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, was " + top);
        }
        this.procRoot = procRoot;
        this.host = host;
        this.clock = clock;
        this.top = top;
    }

    public ProcessSampler(Path procRoot, String host, Clock clock) {
        this(procRoot, host, clock, DEFAULT_TOP);
    }

    public List<ProcessIoSample> sample() {
        return sample(procRoot);
    }

    /**
     * The top culprits since the previous call, read from {@code root} this time instead of the
     * proc root this sampler was made with: one snapshot of a captured series, replayed in order.
     */
    public List<ProcessIoSample> sample(Path root) {
        return sample(new ProcTick(root));
    }

    /** The top culprits since the previous call, from this tick's reads (shared with the host sampler). */
    public List<ProcessIoSample> sample(ProcTick tick) {
        Path root = tick.root();
        ProcessTable current = read(tick);
        ProcessTable before = previous;
        previous = current;
        if (before == null) {
            return List.of();
        }
        long intervalMs = current.uptimeMs() - before.uptimeMs();
        if (intervalMs <= 0) {
            return List.of();
        }
        Optional<HostIoCounters.Bound> bound = before.hostIo() == null || current.hostIo() == null
                ? Optional.empty()
                : current.hostIo().boundSince(before.hostIo(), ProcessIntervals.cancelledWriteBytes(before, current));
        List<ProcessInterval> culprits = ProcessIntervals.between(before, current).stream()
                .map(interval -> bound.map(b -> withinBound(interval, b)).orElse(interval))
                .filter(ProcessInterval::touchedDisk)
                .sorted(ProcessInterval.CULPRIT_FIRST)
                .limit(top)
                .toList();
        if (culprits.isEmpty()) {
            return List.of();
        }
        MountedDisks mounted = MountedDisks.parse(optionalText(tick, "self/mountinfo"), optionalText(tick, "diskstats"));
        return culprits.stream().map(c -> toSample(root, c, current.ts(), intervalMs, mounted)).toList();
    }

    /** Processes skipped so far because their {@code stat} or {@code io} did not parse. */
    public long unparseableProcesses() {
        return unparseableProcesses;
    }

    /**
     * Process intervals that claimed more than twice the bytes the host's disks and page cache took
     * in, and were reported without them.
     */
    public long ratesAboveDiskBound() {
        return ratesAboveDiskBound;
    }

    private ProcessInterval withinBound(ProcessInterval interval, HostIoCounters.Bound bound) {
        if (interval.impossibleWithin(bound)) {
            ratesAboveDiskBound++;
        }
        return interval.within(bound);
    }

    private ProcessIoSample toSample(Path root, ProcessInterval culprit, long ts, long intervalMs, MountedDisks mounted) {
        ProcessReading p = culprit.process();
        // An exited process has no fds left to look at.
        OpenFiles open = culprit.exited() ? OpenFiles.NONE : OpenFiles.of(root, p.pid(), mounted);
        double seconds = intervalMs / 1000.0;
        return new ProcessIoSample(host, "proc", ts, Schema.VERSION,
                p.pid(), p.stat().startTicks() * ProcessIntervals.MS_PER_TICK,
                p.stat().ppid(), p.stat().comm(), p.cmdline(), culprit.state(),
                intervalMs,
                culprit.readBytes() / seconds, culprit.writeBytes() / seconds,
                culprit.blkioDelayMs(), culprit.inD() ? 1 : 0,
                p.cgroup().path(), p.cgroup().containerId(),
                open.disks(), open.files());
    }

    private ProcessTable read(ProcTick tick) {
        Path root = tick.root();
        long ts = clock.millis();
        long uptimeMs = Math.round(Double.parseDouble(requiredText(tick, "uptime").trim().split("\\s+")[0]) * 1000);
        HostIoCounters hostIo = hostIo(tick);
        Map<Integer, ProcessReading> processes = new HashMap<>();
        Set<Integer> listed = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, ProcessSampler::isPidDir)) {
            for (Path pidDir : entries) {
                listed.add(Integer.parseInt(pidDir.getFileName().toString()));
                readProcess(pidDir).ifPresent(p -> processes.put(p.pid(), p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return new ProcessTable(ts, uptimeMs, processes, listed, delayAccounting(tick, processes), hostIo);
    }

    /** Null when diskstats or meminfo is unreadable or does not parse: that interval has no bound. */
    private HostIoCounters hostIo(ProcTick tick) {
        try {
            return HostIoCounters.parse(requiredText(tick, "diskstats"), requiredText(tick, "meminfo"));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            // HostSampler reads diskstats too and sends a bad one as a dead letter; here it only
            // costs the bound, said once.
            if (!hostIoWarned) {
                hostIoWarned = true;
                LOG.warn("no bound on process I/O rates while /proc/diskstats or /proc/meminfo cannot be read: {}",
                        e.getMessage());
            }
            return null;
        }
    }

    private Optional<ProcessReading> readProcess(Path pidDir) {
        try {
            ProcStat stat = ProcStat.parse(files.read(pidDir.resolve("stat")));
            if (!pidDir.getFileName().toString().equals(Integer.toString(stat.pid()))) {
                throw new IllegalArgumentException("stat names pid " + stat.pid());
            }
            ProcIo io = ProcIo.parse(files.read(pidDir.resolve("io")));
            ProcessReading known = previous == null ? null : previous.processes().get(stat.pid());
            if (known != null && known.labelsHoldFor(stat)) {
                return Optional.of(new ProcessReading(stat, io, known.cmdline(), known.cgroup()));
            }
            String cmdline = files.read(pidDir.resolve("cmdline")).replace('\0', ' ').trim();
            return Optional.of(new ProcessReading(stat, io, cmdline, ProcessCgroup.parse(files.read(pidDir.resolve("cgroup")))));
        } catch (IOException e) {
            // Gone since the listing, or not ours to read (/proc/1/io is EACCES even for root on
            // some hosts): normal on a live host, and said nothing about.
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            unparseableProcesses++;
            if (unparseableProcesses == 1) {
                LOG.warn("skipping processes whose /proc files do not parse (further ones are only counted): {}: {}",
                        pidDir, e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** The kernel's switch when it has one (5.14+); else on whenever any process has counted a tick. */
    private boolean delayAccounting(ProcTick tick, Map<Integer, ProcessReading> processes) {
        String setting = optionalText(tick, "sys/kernel/task_delayacct").trim();
        if (!setting.isEmpty()) {
            return !setting.equals("0");
        }
        return processes.values().stream().anyMatch(p -> p.stat().blkioTicks() > 0);
    }

    private static boolean isPidDir(Path entry) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || name.length() >= 10) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String requiredText(ProcTick tick, String relative) {
        try {
            return new String(tick.bytes(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tick.root().resolve(relative), e);
        }
    }

    /** Empty when absent or unreadable: these files only refine what the sampler reports. */
    private static String optionalText(ProcTick tick, String relative) {
        try {
            return new String(tick.bytes(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
