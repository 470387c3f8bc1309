package dev.culprit.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine a benchmark ran on, in one line, printed before its figures. */
final class BenchMachine {

    private BenchMachine() {}

    static String describe() {
        Runtime runtime = Runtime.getRuntime();
        return String.format(Locale.ROOT, "machine: %d cores, %s RAM, %s %s, Java %s, heap max %d MiB, load %s",
                runtime.availableProcessors(), memTotal(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), runtime.maxMemory() >> 20, load());
    }

    /** Resident memory of this process in MiB, from /proc/self/status; -1 where there is none. */
    static long residentMiB() {
        long kib = procField("/proc/self/status", "VmRSS:");
        return kib < 0 ? -1 : kib >> 10;
    }

    /** The most this process has been resident, in MiB; -1 where /proc has no such line. */
    static long peakResidentMiB() {
        long kib = procField("/proc/self/status", "VmHWM:");
        return kib < 0 ? -1 : kib >> 10;
    }

    /** Starts {@link #peakResidentMiB} over from what is resident now (Linux: clear_refs 5). */
    static void resetPeakResident() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // the peak then covers the whole process's life, which the figure's reader is told
        }
    }

    /**
     * The most heap that stayed in use after a collection while it ran: what the program holds,
     * not the garbage a collector has not yet cleared (a peak of heap in use mostly measures that).
     */
    static final class LiveHeap implements AutoCloseable {
        private final java.util.concurrent.ScheduledExecutorService poller =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "culprit-bench-live-heap");
                    t.setDaemon(true);
                    return t;
                });
        private final java.util.concurrent.atomic.AtomicLong maxBytes = new java.util.concurrent.atomic.AtomicLong();

        LiveHeap() {
            poller.scheduleAtFixedRate(this::poll, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        private void poll() {
            long afterGc = 0;
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    afterGc += pool.getCollectionUsage().getUsed();
                }
            }
            maxBytes.accumulateAndGet(afterGc, Math::max);
        }

        long maxMiB() {
            poll();
            return maxBytes.get() >> 20;
        }

        @Override
        public void close() {
            poller.shutdownNow();
        }
    }

    /** CPU time this process has used, in seconds (all threads). */
    static double cpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            return hotspot.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Removes a bench's scratch directory and all it holds: a bench leaves nothing behind. */
    static void deleteScratch(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The most process {@code pid} has been resident, in KiB; -1 once it is gone. */
    static long peakResidentKiB(long pid) {
        return procField("/proc/" + pid + "/status", "VmHWM:");
    }

    private static String memTotal() {
        return String.format(Locale.ROOT, "%.0f GiB", procField("/proc/meminfo", "MemTotal:") / 1024.0 / 1024.0);
    }

    /** A "Field:  N kB" line's N, or -1 where the file or line is missing. */
    private static long procField(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: the figure is left out, not guessed
        }
        return -1;
    }

    private static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
