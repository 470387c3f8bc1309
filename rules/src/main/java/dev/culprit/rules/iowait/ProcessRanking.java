package dev.culprit.rules.iowait;

import dev.culprit.events.Culprit;
import dev.culprit.events.ProcessIoSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Ranks the processes seen over a window by how much they made the host wait on I/O: by
 * block-I/O delay when the kernel's delay accounting is on, otherwise by bytes moved per second
 * and then by time in state D. A process that only read cached data (rchar without read_bytes)
 * never reaches here: the collector sends block I/O only.
 *
 * <p>A process is its pid and its start time: a pid the kernel gave to a new process in the window
 * (a loop's next dd, a restarted worker) is another culprit, not one with two processes' bytes.
 */
final class ProcessRanking {

    private ProcessRanking() {}

    /** One process over the window; {@code withFiles} is its latest sample that named open files. */
    private record Totals(ProcessIoSample latest, ProcessIoSample withFiles, double bytesPerSec, double readPerSec, double writePerSec,
                          long delayMs, boolean delayKnown, int dSamples, int samples) {}

    /** Who a sample is about; the start is null in archives from before it was sent, and then the pid alone is all we know. */
    private record ProcessKey(int pid, Long startedMsAfterBoot) {}

    static List<Culprit> topCulprits(Collection<ProcessIoSample> window, int limit) {
        Map<ProcessKey, List<ProcessIoSample>> byProcess = window.stream()
                .collect(Collectors.groupingBy(s -> new ProcessKey(s.pid(), s.startedMsAfterBoot()),
                        LinkedHashMap::new, Collectors.toList()));
        List<Totals> totals = new ArrayList<>();
        for (List<ProcessIoSample> samples : byProcess.values()) {
            ProcessIoSample latest = samples.get(samples.size() - 1);
            // A writer that exited in its last interval has no open files left: its disk is in an earlier sample.
            ProcessIoSample withFiles = latest;
            for (int i = samples.size() - 1; i >= 0; i--) {
                if (!samples.get(i).disks().isEmpty()) {
                    withFiles = samples.get(i);
                    break;
                }
            }
            double read = samples.stream().mapToDouble(ProcessIoSample::readBytesPerSec).sum() / samples.size();
            double write = samples.stream().mapToDouble(ProcessIoSample::writeBytesPerSec).sum() / samples.size();
            long delay = samples.stream().filter(s -> s.blkioDelayMs() != null).mapToLong(ProcessIoSample::blkioDelayMs).sum();
            boolean delayKnown = samples.stream().anyMatch(s -> s.blkioDelayMs() != null);
            int d = samples.stream().mapToInt(ProcessIoSample::dStateSamples).sum();
            totals.add(new Totals(latest, withFiles, read + write, read, write, delay, delayKnown, d, samples.size()));
        }
        boolean delayAccounting = totals.stream().anyMatch(Totals::delayKnown);
        Comparator<Totals> order = delayAccounting
                ? Comparator.comparingLong(Totals::delayMs).thenComparingDouble(Totals::bytesPerSec)
                : Comparator.comparingDouble(Totals::bytesPerSec).thenComparingInt(Totals::dSamples);
        return totals.stream()
                .sorted(order.reversed())
                .limit(limit)
                .map(t -> culprit(t, delayAccounting))
                .toList();
    }

    private static Culprit culprit(Totals t, boolean delayAccounting) {
        ProcessIoSample p = t.latest();
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("readBytesPerSec", t.readPerSec());
        evidence.put("writeBytesPerSec", t.writePerSec());
        evidence.put("dStateSamples", (double) t.dSamples());
        if (delayAccounting) {
            evidence.put("blkioDelayMs", (double) t.delayMs());
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("cmdline", p.cmdline());
        if (p.startedMsAfterBoot() != null) {
            // two culprits named by one pid are told apart by this
            details.put("startedMsAfterBoot", Long.toString(p.startedMsAfterBoot()));
        }
        if (p.cgroup() != null) {
            details.put("cgroup", p.cgroup());
        }
        if (p.containerId() != null) {
            details.put("container", p.containerId());
        }
        ProcessIoSample withFiles = t.withFiles();
        if (!withFiles.disks().isEmpty()) {
            details.put("disks", String.join(",", withFiles.disks()));
        }
        if (!withFiles.files().isEmpty()) {
            details.put("files", String.join(",", withFiles.files()));
        }
        if (!delayAccounting) {
            details.put("ranking", "bytes/s (kernel.task_delayacct is off: no block-I/O delay to rank by)");
        }
        return new Culprit("process", p.pid() + " " + p.comm(), evidence, details);
    }
}
