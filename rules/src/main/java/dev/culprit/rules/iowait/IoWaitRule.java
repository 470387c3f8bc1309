package dev.culprit.rules.iowait;

import dev.culprit.rules.IncidentLifecycle;
import java.io.Serializable;

/**
 * When a host counts as stalled on I/O. The condition holds while CPU iowait or I/O pressure is
 * at or above its threshold, or a disk is both slow and queued; it must hold for {@code forMs}
 * before an incident fires and be clear for {@code cooldownMs} before it resolves.
 *
 * @param iowaitPct CPU iowait % threshold
 * @param pressureSomePct {@code /proc/pressure/io} some avg10 threshold: steadier than iowait,
 *     which hides whenever the CPUs are busy with other work
 * @param diskAwaitMs a disk is slow when r_await, w_await, d_await or f_await reaches this...
 * @param diskQueueSize ...while aqu-sz reaches this (%util alone means nothing on SSD/NVMe/virtio)
 * @param criticalPct iowait or pressure at which the incident is critical rather than a warning
 * @param minUpdateMs an update alert is sent at most this often, and only on change
 * @param silenceMs an open incident resolves once the host has sent no sample for this long
 */
public record IoWaitRule(
        String name,
        double iowaitPct, double pressureSomePct,
        double diskAwaitMs, double diskQueueSize,
        double criticalPct,
        long forMs, long cooldownMs, long minUpdateMs, long silenceMs) implements Serializable {

    public static final IoWaitRule DEFAULT = new IoWaitRule("iowait", 20, 20, 50, 4, 50, 10_000, 30_000, 30_000, 60_000);

    public IoWaitRule withIowaitPct(double threshold) {
        return new IoWaitRule(name, threshold, pressureSomePct, diskAwaitMs, diskQueueSize, criticalPct,
                forMs, cooldownMs, minUpdateMs, silenceMs);
    }

    public IncidentLifecycle.Timing timing() {
        return new IncidentLifecycle.Timing(forMs, cooldownMs, minUpdateMs, silenceMs);
    }
}
