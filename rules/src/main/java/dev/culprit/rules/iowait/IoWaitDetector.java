package dev.culprit.rules.iowait;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Culprit;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import dev.culprit.rules.Detector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides, one host's samples at a time and in event-time order, whether the host is stalled on
 * I/O, and turns each ongoing stall into one incident: {@code firing} once, {@code update} when
 * what it blames changes, {@code resolved} once clear for the cool-down.
 *
 * <p>Plain Java: the state goes in and comes out as a value, so a Flink function can keep it in
 * keyed state and a unit test can drive it directly.
 */
public final class IoWaitDetector implements Detector<IoWaitDetector.State> {

    public static final String SOURCE = "iowait-detector";

    private final IoWaitRule rule;

    public IoWaitDetector(IoWaitRule rule) {
        this.rule = Objects.requireNonNull(rule);
    }

    /** What the detector remembers about one host between samples. */
    public record State(CpuSample cpu, Map<String, DiskSample> disks, List<ProcessIoSample> processes,
                        Long breachSince, Long clearSince, Incident open, long lastAlertTs) {

        public static final State EMPTY = new State(null, Map.of(), List.of(), null, null, null, Long.MIN_VALUE);
    }

    /** Culprit processes named per incident. */
    static final int TOP_PROCESSES = 5;

    @Override
    public State initialState() {
        return State.EMPTY;
    }

    @Override
    public Class<State> stateType() {
        return State.class;
    }

    @Override
    public Transition<State> onEvent(State state, Event sample) {
        CpuSample cpu = state.cpu();
        Map<String, DiskSample> disks = state.disks();
        List<ProcessIoSample> processes = state.processes();
        long now = sample.ts();
        if (sample instanceof CpuSample c) {
            cpu = c;
        } else if (sample instanceof DiskSample d) {
            disks = new HashMap<>(disks);
            disks.put(d.device(), d);
        } else if (sample instanceof ProcessIoSample p) {
            // Processes are remembered over the rule's window; they explain a condition, they are not one.
            List<ProcessIoSample> window = new ArrayList<>();
            for (ProcessIoSample kept : processes) {
                if (now - kept.ts() < Math.max(rule.forMs(), 1_000)) {
                    window.add(kept);
                }
            }
            window.add(p);
            return new Transition<>(new State(cpu, disks, window, state.breachSince(), state.clearSince(), state.open(),
                    state.lastAlertTs()), List.of());
        } else {
            return new Transition<>(state, List.of());
        }
        List<DiskSample> slowDisks = slowDisks(disks.values());
        boolean breached = cpuBreached(cpu) || !slowDisks.isEmpty();

        Long breachSince = breached ? (state.breachSince() != null ? state.breachSince() : now) : null;
        Long clearSince = breached ? null : (state.clearSince() != null ? state.clearSince() : now);
        Incident open = state.open();
        long lastAlertTs = state.lastAlertTs();
        List<Alert> alerts = new ArrayList<>();

        if (open == null && breachSince != null && now - breachSince >= rule.forMs()) {
            open = incident(sample.host(), breachSince, null, cpu, slowDisks, processes);
            alerts.add(new Alert(sample.host(), SOURCE, now, Schema.VERSION, Alert.State.FIRING, open));
            lastAlertTs = now;
        } else if (open != null && breached) {
            Incident current = incident(sample.host(), open.start(), null, cpu, slowDisks, processes);
            boolean changed = current.severity() != open.severity() || !names(current).equals(names(open));
            if (changed && now - lastAlertTs >= rule.minUpdateMs()) {
                open = current;
                alerts.add(new Alert(sample.host(), SOURCE, now, Schema.VERSION, Alert.State.UPDATE, open));
                lastAlertTs = now;
            }
        } else if (open != null && clearSince != null && now - clearSince >= rule.cooldownMs()) {
            Incident closed = new Incident(open.host(), SOURCE, now, Schema.VERSION, open.id(), open.kind(),
                    open.severity(), open.rule(), open.start(), clearSince, open.summary(), open.culprits(), open.related());
            alerts.add(new Alert(sample.host(), SOURCE, now, Schema.VERSION, Alert.State.RESOLVED, closed));
            open = null;
            lastAlertTs = now;
        }
        return new Transition<>(new State(cpu, disks, processes, breachSince, clearSince, open, lastAlertTs), alerts);
    }

    private boolean cpuBreached(CpuSample cpu) {
        if (cpu == null) {
            return false;
        }
        return cpu.iowaitPct() >= rule.iowaitPct()
                || (cpu.ioSomeAvg10() != null && cpu.ioSomeAvg10() >= rule.pressureSomePct());
    }

    private List<DiskSample> slowDisks(java.util.Collection<DiskSample> disks) {
        return disks.stream()
                .filter(d -> Math.max(d.readAwaitMs(), d.writeAwaitMs()) >= rule.diskAwaitMs()
                        && d.queueSize() >= rule.diskQueueSize())
                .sorted(Comparator.comparingDouble(DiskSample::queueSize).reversed())
                .toList();
    }

    private Incident incident(String host, long start, Long end, CpuSample cpu, List<DiskSample> slowDisks,
                              List<ProcessIoSample> processes) {
        double iowait = cpu == null ? 0 : cpu.iowaitPct();
        double pressure = cpu == null || cpu.ioSomeAvg10() == null ? 0 : cpu.ioSomeAvg10();
        Severity severity = Math.max(iowait, pressure) >= rule.criticalPct() ? Severity.CRITICAL : Severity.WARNING;
        List<Culprit> culprits = new ArrayList<>();
        for (DiskSample d : slowDisks) {
            Map<String, Double> evidence = new LinkedHashMap<>();
            evidence.put("utilPct", d.utilPct());
            evidence.put("readAwaitMs", d.readAwaitMs());
            evidence.put("writeAwaitMs", d.writeAwaitMs());
            evidence.put("queueSize", d.queueSize());
            evidence.put("readKbPerSec", d.readKbPerSec());
            evidence.put("writeKbPerSec", d.writeKbPerSec());
            culprits.add(new Culprit("disk", d.device(), evidence));
        }
        List<Culprit> topProcesses = ProcessRanking.topCulprits(processes, TOP_PROCESSES);
        culprits.addAll(topProcesses);
        String summary = String.format(Locale.ROOT, "I/O wait on %s: iowait %.1f%%, io pressure %.1f%%%s%s",
                host, iowait, pressure,
                slowDisks.isEmpty() ? "" : ", slow disk " + slowDisks.get(0).device(),
                topProcesses.isEmpty() ? "" : ", top process " + topProcesses.get(0).name());
        return new Incident(host, SOURCE, start, Schema.VERSION, host + "-iowait-" + start, IncidentKind.IOWAIT,
                severity, rule.name(), start, end, summary, culprits, List.of());
    }

    private static List<String> names(Incident incident) {
        return incident.culprits().stream().map(Culprit::name).toList();
    }
}
