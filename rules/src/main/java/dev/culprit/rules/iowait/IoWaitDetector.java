package dev.culprit.rules.iowait;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Culprit;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import dev.culprit.rules.Detector;
import dev.culprit.rules.IncidentLifecycle;
import dev.culprit.rules.IncidentLifecycle.Heard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, one host's samples at a time and in event-time order, whether the host is stalled on
 * I/O, and names who and what is behind it. The incident's life (hold, updates, cool-down,
 * silence) is {@link IncidentLifecycle}'s.
 *
 * <p>Only what was seen during the incident counts: processes sampled before the condition
 * began, and disks that stopped reporting, are forgotten, so a stall nobody on this host caused
 * (RAID resync, writeback of earlier writes, a noisy neighbour VM) says that no process was
 * charged instead of naming processes from an hour ago. Every incident names a disk: the slow
 * ones by the rule, else the ones the named processes' files live on, else the busiest.
 *
 * <p>Plain Java: the state goes in and comes out as a value, so a Flink function can keep it in
 * keyed state and a unit test can drive it directly.
 */
public final class IoWaitDetector implements Detector<IoWaitDetector.State> {

    public static final String SOURCE = "iowait-detector";

    /** Culprit processes named per incident. */
    static final int TOP_PROCESSES = 5;
    /** Processes are ranked over at most this much of the recent past (and never before the incident). */
    static final long RANKING_WINDOW_MS = 10_000;
    /** A disk or CPU figure this many of its own intervals old no longer describes the host. */
    static final int STALE_INTERVALS = 3;

    static final String NOBODY_CHARGED = "no process was charged: writeback, discard, or I/O outside this host";

    private final IoWaitRule rule;

    public IoWaitDetector(IoWaitRule rule) {
        this.rule = Objects.requireNonNull(rule);
    }

    /** Highest CPU figures since the condition began. */
    public record Peaks(double iowaitPct, double pressurePct) {

        static final Peaks NONE = new Peaks(0, 0);
    }

    /**
     * What the detector remembers about one host between samples.
     *
     * @param disks each disk's latest sample
     * @param busiest each disk's busiest sample since the condition began: the figures an
     *     incident shows, so that an update after the writer stopped does not show an idle disk
     */
    public record State(CpuSample cpu, Map<String, DiskSample> disks, Map<String, DiskSample> busiest,
                        List<ProcessIoSample> processes, Peaks peaks, IncidentLifecycle life) {

        public static final State EMPTY = new State(null, Map.of(), Map.of(), List.of(), Peaks.NONE, IncidentLifecycle.IDLE);
    }

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
        long now = sample.ts();
        CpuSample cpu = state.cpu();
        Map<String, DiskSample> disks = new LinkedHashMap<>(state.disks());
        List<ProcessIoSample> processes = new ArrayList<>(state.processes());
        if (sample instanceof CpuSample c) {
            cpu = c;
        } else if (sample instanceof DiskSample d) {
            disks.put(d.device(), d);
        } else if (sample instanceof ProcessIoSample p) {
            processes.add(p);
        } else {
            return new Transition<>(state, List.of());
        }
        if (cpu != null && stale(cpu.ts(), cpu.intervalMs(), now)) {
            cpu = null;
        }
        disks.values().removeIf(d -> stale(d.ts(), d.intervalMs(), now));
        List<DiskSample> slowDisks = slowDisks(disks.values());
        boolean breached = cpuBreached(cpu) || !slowDisks.isEmpty();
        IncidentLifecycle life = state.life();
        Map<String, DiskSample> busiest = new LinkedHashMap<>();
        if (breached || life.ongoing()) {
            busiest.putAll(state.busiest());
            busiest.keySet().retainAll(disks.keySet());
            disks.values().forEach(d -> busiest.merge(d.device(), d, IoWaitDetector::busier));
        }
        // The window a process must have been seen in: the recent past, and never before the condition began.
        long since = life.breachSince() != null ? life.breachSince() : breached ? now : Long.MIN_VALUE;
        long from = Math.max(now - Math.max(rule.forMs(), RANKING_WINDOW_MS), since);
        processes.removeIf(p -> p.ts() < from);
        Peaks peaks = breached || life.ongoing() ? withPeaks(state.peaks(), cpu) : Peaks.NONE;

        State seen = new State(cpu, Map.copyOf(disks), Map.copyOf(busiest), List.copyOf(processes), peaks, life);
        if (sample instanceof ProcessIoSample) {
            // Processes explain a condition, they are not one: judged at the next CPU or disk sample.
            return new Transition<>(seen, List.of());
        }
        return step(seen, sample.host(), now, Heard.EVENT, breached);
    }

    @Override
    public Transition<State> onTick(State state, String host, long now) {
        // No new figures: the condition stands as last judged; only silence or a held-back update can change it.
        return step(state, host, now, Heard.TIME_ONLY, state.life().breachSince() != null);
    }

    @Override
    public boolean wantsTicks(State state) {
        return state.life().ongoing();
    }

    private Transition<State> step(State state, String host, long now, Heard heard, boolean breached) {
        IncidentLifecycle.Step step = state.life().step(host, SOURCE, now, heard, breached, false, null,
                rule.timing(), (start, end, resolution) -> incident(host, start, end, resolution, state));
        Peaks peaks = step.next().ongoing() || step.next().breachSince() != null ? state.peaks() : Peaks.NONE;
        return new Transition<>(new State(state.cpu(), state.disks(), state.busiest(), state.processes(), peaks, step.next()),
                step.alerts());
    }

    /** The sample of more use to an operator: the disk busier, or as busy and moving more. */
    private static DiskSample busier(DiskSample a, DiskSample b) {
        int byUtil = Double.compare(a.utilPct(), b.utilPct());
        if (byUtil != 0) {
            return byUtil > 0 ? a : b;
        }
        return a.readKbPerSec() + a.writeKbPerSec() + a.discardKbPerSec() >= b.readKbPerSec() + b.writeKbPerSec() + b.discardKbPerSec()
                ? a : b;
    }

    private static boolean stale(long ts, long intervalMs, long now) {
        return now - ts > STALE_INTERVALS * Math.max(intervalMs, 1_000);
    }

    private static Peaks withPeaks(Peaks peaks, CpuSample cpu) {
        if (cpu == null) {
            return peaks;
        }
        return new Peaks(Math.max(peaks.iowaitPct(), cpu.iowaitPct()), Math.max(peaks.pressurePct(), pressure(cpu)));
    }

    private static double pressure(CpuSample cpu) {
        return cpu.ioSomeAvg10() == null ? 0 : cpu.ioSomeAvg10();
    }

    private boolean cpuBreached(CpuSample cpu) {
        if (cpu == null) {
            return false;
        }
        return cpu.iowaitPct() >= rule.iowaitPct()
                || (cpu.ioSomeAvg10() != null && cpu.ioSomeAvg10() >= rule.pressureSomePct());
    }

    /**
     * Slow and queued. Discards and flushes count as reads and writes do: an fstrim or a discard
     * mount deleting a large tree, or a journal's cache flushes on a drive without power-loss
     * protection, stall a disk with no read or write in sight.
     */
    private boolean slow(DiskSample d) {
        double await = Math.max(Math.max(d.readAwaitMs(), d.writeAwaitMs()), Math.max(d.discardAwaitMs(), d.flushAwaitMs()));
        return await >= rule.diskAwaitMs() && d.queueSize() >= rule.diskQueueSize();
    }

    private List<DiskSample> slowDisks(java.util.Collection<DiskSample> disks) {
        return disks.stream()
                .filter(this::slow)
                .sorted(Comparator.comparingDouble(DiskSample::queueSize).reversed())
                .toList();
    }

    private Incident incident(String host, long start, Long end, String resolution, State state) {
        Peaks peaks = withPeaks(state.peaks(), state.cpu());
        Severity severity = Math.max(peaks.iowaitPct(), peaks.pressurePct()) >= rule.criticalPct()
                ? Severity.CRITICAL : Severity.WARNING;
        if (end != null && state.life().open() != null) {
            // By the time it resolves, the window holds the quiet after the stall: the names stay
            // those the incident showed while it went on, the figures are the whole incident's.
            return closedAsLastShown(state.life().open(), end, resolution, peaks, severity);
        }
        List<Culprit> topProcesses = ProcessRanking.topCulprits(state.processes(), TOP_PROCESSES);
        List<Culprit> namedDisks = namedDisks(state.disks(), state.busiest(), topProcesses);
        List<Culprit> culprits = new ArrayList<>(namedDisks);
        culprits.addAll(topProcesses);
        String summary = summary(host, peaks, namedDisks, topProcesses);
        return new Incident(host, SOURCE, start, Schema.VERSION, host + "-iowait-" + start, IncidentKind.IOWAIT,
                severity, rule.name(), start, end, resolution, summary, culprits, List.of());
    }

    private Incident closedAsLastShown(Incident shown, Long end, String resolution, Peaks peaks, Severity severity) {
        List<Culprit> disks = shown.culprits().stream().filter(c -> c.role().equals("disk")).toList();
        List<Culprit> processes = shown.culprits().stream().filter(c -> c.role().equals("process")).toList();
        return new Incident(shown.host(), SOURCE, shown.start(), Schema.VERSION, shown.id(), shown.kind(), severity,
                shown.rule(), shown.start(), end, resolution, summary(shown.host(), peaks, disks, processes),
                shown.culprits(), shown.related());
    }

    /**
     * The slow disks; else the disks the named processes' files are on; else the busiest disk. An
     * operator always learns which disk the stall is about, with iostat's figures for it.
     */
    private List<Culprit> namedDisks(Map<String, DiskSample> disks, Map<String, DiskSample> busiest, List<Culprit> processes) {
        Map<String, String> why = new LinkedHashMap<>();
        slowDisks(disks.values()).forEach(d -> why.put(d.device(), "slow: await and queue at or above the rule's"));
        if (why.isEmpty()) {
            for (Culprit p : processes) {
                String on = p.details().get("disks");
                if (on == null) {
                    continue;
                }
                Set<String> devices = new LinkedHashSet<>(List.of(on.split(",")));
                devices.stream().filter(disks::containsKey)
                        .forEach(device -> why.putIfAbsent(device, "carries the I/O of " + p.name()));
            }
        }
        if (why.isEmpty()) {
            disks.values().stream()
                    .filter(d -> d.utilPct() > 0 || d.readKbPerSec() + d.writeKbPerSec() > 0)
                    .max(Comparator.comparingDouble(DiskSample::utilPct)
                            .thenComparingDouble(d -> d.readKbPerSec() + d.writeKbPerSec()))
                    .ifPresent(d -> why.put(d.device(), "busiest disk"));
        }
        List<Culprit> named = new ArrayList<>();
        why.forEach((device, reason) -> named.add(diskCulprit(busiest.getOrDefault(device, disks.get(device)), reason)));
        return named;
    }

    private static Culprit diskCulprit(DiskSample d, String why) {
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("readsPerSec", d.readsPerSec());
        evidence.put("writesPerSec", d.writesPerSec());
        evidence.put("discardsPerSec", d.discardsPerSec());
        evidence.put("flushesPerSec", d.flushesPerSec());
        evidence.put("readKbPerSec", d.readKbPerSec());
        evidence.put("writeKbPerSec", d.writeKbPerSec());
        evidence.put("discardKbPerSec", d.discardKbPerSec());
        evidence.put("readAwaitMs", d.readAwaitMs());
        evidence.put("writeAwaitMs", d.writeAwaitMs());
        evidence.put("discardAwaitMs", d.discardAwaitMs());
        evidence.put("flushAwaitMs", d.flushAwaitMs());
        evidence.put("queueSize", d.queueSize());
        evidence.put("utilPct", d.utilPct());
        return new Culprit("disk", d.device(), evidence, Map.of("why", why));
    }

    /** The disk's figures as iostat names them; discard and flush only when the disk did any. */
    private static String awaits(Map<String, Double> e) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, " (r_await %.1f ms, w_await %.1f ms",
                e.get("readAwaitMs"), e.get("writeAwaitMs")));
        if (e.getOrDefault("discardsPerSec", 0.0) > 0) {
            text.append(String.format(Locale.ROOT, ", d_await %.1f ms", e.get("discardAwaitMs")));
        }
        if (e.getOrDefault("flushesPerSec", 0.0) > 0) {
            text.append(String.format(Locale.ROOT, ", f_await %.1f ms", e.get("flushAwaitMs")));
        }
        return text.append(String.format(Locale.ROOT, ", aqu-sz %.2f, %%util %.0f)", e.get("queueSize"), e.get("utilPct")))
                .toString();
    }

    private static String summary(String host, Peaks peaks, List<Culprit> disks, List<Culprit> processes) {
        String disk = disks.isEmpty() ? "" : ", disk " + disks.get(0).name() + awaits(disks.get(0).evidence());
        String who = processes.isEmpty() ? "; " + NOBODY_CHARGED : ", top process " + processes.get(0).name();
        return String.format(Locale.ROOT, "I/O wait on %s: iowait up to %.1f%%, io pressure up to %.1f%%%s%s",
                host, peaks.iowaitPct(), peaks.pressurePct(), disk, who);
    }
}
