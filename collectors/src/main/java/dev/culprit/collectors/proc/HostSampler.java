package dev.culprit.collectors.proc;

import dev.culprit.events.DeadLetter;
import dev.culprit.events.Event;
import dev.culprit.events.Schema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Samples CPU iowait, I/O pressure and per-disk statistics from a proc root (normally
 * {@code /proc}; a captured fixture tree in tests). Each call to {@link #sample()} reads the
 * counters once and returns the figures for the interval since the previous call; the first
 * call only sets the baseline.
 *
 * <p>The interval is measured, like iostat does, by {@code /proc/uptime}: it is the kernel's own
 * clock for the counters, and it makes a captured tree replay to the same numbers.
 */
public final class HostSampler {

    private final Path procRoot;
    private final String host;
    private final Clock clock;
    private final DeviceFilter devices;

    /** A dead letter keeps the start of a bad file: enough to see what the kernel printed, bounded against a hostile one. */
    private static final int MAX_DEAD_LETTER_CHARS = 4096;

    private Reading previous;
    private long unreadableFiles;

    public HostSampler(Path procRoot, String host, Clock clock, DeviceFilter devices) {
        this.procRoot = procRoot;
        this.host = host;
        this.clock = clock;
        this.devices = devices;
    }

    /**
     * The figures since the previous call. A file that cannot be read or parsed costs only its own
     * figures for this tick (the others still come), and becomes a dead letter naming the file.
     */
    public List<Event> sample() {
        return sample(procRoot);
    }

    /**
     * The figures since the previous call, read from {@code root} this time instead of the proc
     * root this sampler was made with: one snapshot of a captured series, replayed in order.
     */
    public List<Event> sample(Path root) {
        return sample(new ProcTick(root));
    }

    /** The figures since the previous call, from this tick's reads (shared with the process sampler). */
    public List<Event> sample(ProcTick tick) {
        List<Event> events = new ArrayList<>();
        Reading current = read(tick, events);
        Reading before = previous;
        previous = current;
        if (before == null || before.uptimeMs == null || current.uptimeMs == null) {
            return events;
        }
        long intervalMs = current.uptimeMs - before.uptimeMs;
        if (intervalMs <= 0) {
            return events; // the kernel's clock did not move on (or a restored snapshot moved it back): no honest rate
        }
        if (before.cpu != null && current.cpu != null) {
            Iostat.cpu(host, current.ts, before.cpu, current.cpu, intervalMs, before.pressure, current.pressure)
                    .ifPresent(events::add);
        }
        for (DiskCounters disk : current.disks.values()) {
            DiskCounters was = before.disks.get(disk.device());
            if (was != null) {
                Iostat.disk(host, current.ts, was, disk, intervalMs).ifPresent(events::add);
            }
        }
        return events;
    }

    /** How many times a /proc file could not be read or parsed. */
    public long unreadableFiles() {
        return unreadableFiles;
    }

    private Reading read(ProcTick tick, List<Event> problems) {
        long ts = clock.millis();
        Long uptimeMs = parsed(tick, "uptime", ts, problems, text -> Math.round(Double.parseDouble(text.trim().split("\\s+")[0]) * 1000));
        CpuTimes cpu = parsed(tick, "stat", ts, problems, CpuTimes::parse);
        String pressureText = optionalText(tick, "pressure/io");
        IoPressure pressure = pressureText == null ? null : parsed(tick, "pressure/io", ts, problems, IoPressure::parse);
        Map<String, DiskCounters> disks = new HashMap<>();
        List<DiskCounters> all = parsed(tick, "diskstats", ts, problems, DiskCounters::parseAll);
        for (DiskCounters d : all == null ? List.<DiskCounters>of() : all) {
            if (devices.accepts(d.device()) && !d.neverUsed()) {
                disks.put(d.device(), d);
            }
        }
        return new Reading(ts, uptimeMs, cpu, pressure, disks);
    }

    /** A file's parsed content, or null after recording why it has none this tick. */
    private <T> T parsed(ProcTick tick, String relative, long ts, List<Event> problems, Function<String, T> parser) {
        Path file = tick.root().resolve(relative);
        String text = null;
        try {
            text = strictText(tick, relative);
            return parser.apply(text);
        } catch (IOException | RuntimeException e) {
            unreadableFiles++;
            String reason = text == null ? "cannot read: " + e : "cannot parse: " + e.getMessage();
            problems.add(new DeadLetter(host, "proc", ts, Schema.VERSION, file.toString(), 0, bounded(reason),
                    text == null ? "" : bounded(text)));
            return null;
        }
    }

    private static String bounded(String text) {
        return text.length() <= MAX_DEAD_LETTER_CHARS ? text : text.substring(0, MAX_DEAD_LETTER_CHARS) + "…";
    }
    /** The file's text, refused when it is not UTF-8 (the kernel writes ASCII: anything else is not /proc). */
    private static String strictText(ProcTick tick, String relative) throws IOException {
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(tick.bytes(relative))).toString();
    }

    private String optionalText(ProcTick tick, String relative) {
        try {
            return strictText(tick, relative);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // PSI can be compiled in but disabled (psi=0): reading then fails with EOPNOTSUPP.
            return null;
        }
    }

    /** One read of the counters; a part whose file failed is null (no disks: empty). */
    private record Reading(long ts, Long uptimeMs, CpuTimes cpu, IoPressure pressure, Map<String, DiskCounters> disks) {}
}
