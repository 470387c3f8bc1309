package dev.culprit.app.report;

import dev.culprit.app.report.TimelineChart.Point;
import dev.culprit.app.report.TimelineChart.Series;
import dev.culprit.app.report.TimelineChart.Threshold;
import dev.culprit.events.AccessTally;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.CpuSample;
import dev.culprit.events.DiskSample;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import dev.culprit.storage.IncidentDetail;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The signals an incident's rule judged, drawn from the host's stored events: for I/O wait the
 * CPU's iowait and I/O pressure and the disks' await and %util; for a DoS burst the request rate,
 * mod_evasive's denials and the scoreboard's busy share; for a mail flood each script's mails per
 * minute. Figures are the events' own, unchanged, except where the rule itself adds them up
 * (requests and denials per second, mails per minute), whose sums are of the events shown.
 */
final class IncidentSignals {

    /** How many disks and scripts get a line of their own: the culprits first, then the busiest. */
    static final int MOST_LINES = 4;
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60_000;

    private IncidentSignals() {}

    static List<TimelineChart> charts(IncidentDetail detail, List<Event> events, RuleThresholds rule, long from, long to) {
        long start = detail.incident().start();
        Long end = detail.incident().end();
        Map<String, Double> limits = rule.limits();
        List<TimelineChart> charts = new ArrayList<>();
        switch (detail.incident().kind()) {
            case "iowait" -> {
                List<CpuSample> cpu = of(events, CpuSample.class);
                List<Series> cpuSeries = new ArrayList<>();
                cpuSeries.add(new Series("iowait %", cpu.stream().map(c -> new Point(c.ts(), c.iowaitPct())).toList()));
                cpuSeries.add(new Series("I/O pressure some avg10 %", cpu.stream().filter(c -> c.ioSomeAvg10() != null)
                        .map(c -> new Point(c.ts(), c.ioSomeAvg10())).toList()));
                charts.add(new TimelineChart("cpu", "CPU iowait and I/O pressure", "%", from, to, cpuSeries,
                        thresholds(limits, "iowaitPct", "pressureSomePct", "criticalPct"), start, end));
                List<DiskSample> disks = of(events, DiskSample.class);
                List<String> devices = chosen(detail, "disk", disks, DiskSample::device, IncidentSignals::await);
                charts.add(new TimelineChart("disk-await", "Disk await (the slowest of r, w, d and f_await)", "ms", from, to,
                        devices.stream().map(d -> new Series(d + " await ms", disks.stream().filter(s -> s.device().equals(d))
                                .map(s -> new Point(s.ts(), await(s))).toList())).toList(),
                        thresholds(limits, "diskAwaitMs"), start, end));
                charts.add(new TimelineChart("disk-util", "Disk %util (busy time; not saturation on SSD, NVMe or virtio)", "%",
                        from, to, devices.stream().map(d -> new Series(d + " %util", disks.stream().filter(s -> s.device().equals(d))
                                .map(s -> new Point(s.ts(), s.utilPct())).toList())).toList(), List.of(), start, end));
            }
            case "dos" -> {
                List<ApacheStatus> status = of(events, ApacheStatus.class).stream().filter(ApacheStatus::reachable).toList();
                List<Series> rate = new ArrayList<>();
                rate.add(new Series("mod_status requests/s", status.stream().filter(s -> s.requestsPerSec() != null)
                        .map(s -> new Point(s.ts(), s.requestsPerSec())).toList()));
                rate.add(new Series("access log requests/s", perBucket(of(events, AccessTally.class), SECOND, AccessTally::requests)));
                charts.add(new TimelineChart("requests", "Request rate", "requests/s", from, to, rate,
                        thresholds(limits, "minRequestsPerSec"), start, end));
                charts.add(new TimelineChart("denials", "mod_evasive denials per second, all clients", "denials/s", from, to,
                        List.of(new Series("denials/s", perBucket(of(events, EvasiveEvent.class).stream()
                                .filter(e -> e.kind() == EvasiveEvent.Kind.DENIED).toList(), SECOND, EvasiveEvent::count))),
                        thresholds(limits, "deniedPerSec"), start, end));
                charts.add(new TimelineChart("scoreboard", "Scoreboard busy share: busy / (busy + idle) workers", "%", from, to,
                        List.of(new Series("busy %", status.stream()
                                .filter(s -> s.busyWorkers() != null && s.idleWorkers() != null && s.busyWorkers() + s.idleWorkers() > 0)
                                .map(s -> new Point(s.ts(), busyShare(s))).toList())),
                        thresholds(limits, "saturationPct"), start, end));
            }
            case "mail" -> {
                List<PhpMail> mails = of(events, PhpMail.class);
                List<String> scripts = chosen(detail, "script", mails, PhpMail::script, m -> 1.0);
                charts.add(new TimelineChart("mails", "Mails per minute, per script", "mails/min", from, to,
                        scripts.stream().map(s -> new Series(s, perBucket(mails.stream().filter(m -> m.script().equals(s)).toList(),
                                MINUTE, m -> 1L))).toList(),
                        thresholds(limits, "mailsPerMinute"), start, end));
            }
            default -> {
                // a clock incident is about what the host says of the time, not a signal over it
            }
        }
        return charts;
    }

    /** The slowest kind of request on the disk: what the rule compares with diskAwaitMs. */
    static double await(DiskSample d) {
        return Math.max(Math.max(d.readAwaitMs(), d.writeAwaitMs()), Math.max(d.discardAwaitMs(), d.flushAwaitMs()));
    }

    static double busyShare(ApacheStatus s) {
        return 100.0 * s.busyWorkers() / (s.busyWorkers() + s.idleWorkers());
    }

    /**
     * Per bucket of {@code width} ms (its start as the point's time), the sum of {@code count} over
     * the events in it; only buckets that had events.
     */
    static <E extends Event> List<Point> perBucket(List<E> events, long width, Function<E, Long> count) {
        TreeMap<Long, Long> sums = new TreeMap<>();
        for (E e : events) {
            sums.merge(Math.floorDiv(e.ts(), width) * width, count.apply(e), Long::sum);
        }
        return sums.entrySet().stream().map(e -> new Point(e.getKey(), e.getValue())).toList();
    }

    private static <E extends Event> List<E> of(List<Event> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<Threshold> thresholds(Map<String, Double> limits, String... keys) {
        List<Threshold> shown = new ArrayList<>();
        for (String key : keys) {
            if (limits.containsKey(key)) {
                shown.add(new Threshold(key, limits.get(key)));
            }
        }
        return shown;
    }

    /**
     * The disks or scripts to draw: those the incident blames, then the ones with the largest
     * total of {@code weight}, at most {@link #MOST_LINES}.
     */
    private static <E extends Event> List<String> chosen(IncidentDetail detail, String role, List<E> events,
                                                         Function<E, String> name, Function<E, Double> weight) {
        Map<String, Double> totals = new LinkedHashMap<>();
        for (E e : events) {
            totals.merge(name.apply(e), weight.apply(e), Double::sum);
        }
        List<String> chosen = new ArrayList<>();
        detail.culprits().stream().filter(c -> c.role().equals(role) && totals.containsKey(c.name()))
                .forEach(c -> chosen.add(c.name()));
        totals.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .map(Map.Entry::getKey).filter(n -> !chosen.contains(n)).forEach(chosen::add);
        return chosen.subList(0, Math.min(MOST_LINES, chosen.size()));
    }
}
