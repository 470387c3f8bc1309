package dev.culprit.collectors.proc;

import dev.culprit.events.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    private Reading previous;

    public HostSampler(Path procRoot, String host, Clock clock, DeviceFilter devices) {
        this.procRoot = procRoot;
        this.host = host;
        this.clock = clock;
        this.devices = devices;
    }

    public List<Event> sample() {
        Reading current = read();
        Reading before = previous;
        previous = current;
        if (before == null) {
            return List.of();
        }
        long intervalMs = current.uptimeMs - before.uptimeMs;
        if (intervalMs <= 0) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        events.add(Iostat.cpu(host, current.ts, before.cpu, current.cpu, intervalMs, before.pressure, current.pressure));
        for (DiskCounters disk : current.disks.values()) {
            DiskCounters was = before.disks.get(disk.device());
            if (was != null) {
                Iostat.disk(host, current.ts, was, disk, intervalMs).ifPresent(events::add);
            }
        }
        return events;
    }

    private Reading read() {
        long ts = clock.millis();
        long uptimeMs = Math.round(Double.parseDouble(text("uptime").trim().split("\\s+")[0]) * 1000);
        CpuTimes cpu = CpuTimes.parse(text("stat"));
        String pressureText = optionalText("pressure/io");
        IoPressure pressure = pressureText == null ? null : IoPressure.parse(pressureText);
        Map<String, DiskCounters> disks = new HashMap<>();
        for (DiskCounters d : DiskCounters.parseAll(text("diskstats"))) {
            if (devices.accepts(d.device()) && !d.neverUsed()) {
                disks.put(d.device(), d);
            }
        }
        return new Reading(ts, uptimeMs, cpu, pressure, disks);
    }

    private String text(String relative) {
        Path file = procRoot.resolve(relative);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String optionalText(String relative) {
        try {
            return Files.readString(procRoot.resolve(relative));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            // PSI can be compiled in but disabled (psi=0): reading then fails with EOPNOTSUPP.
            return null;
        }
    }

    private record Reading(long ts, long uptimeMs, CpuTimes cpu, IoPressure pressure, Map<String, DiskCounters> disks) {}
}
