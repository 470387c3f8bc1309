package dev.culprit.benchmarks;

import dev.culprit.collectors.LogKind;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.dos.DosDetector;
import dev.culprit.rules.iowait.IoWaitDetector;
import dev.culprit.rules.mail.MailAbuseDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each detector under the shipped rules ({@code rules/*.yaml}), one event per operation, on one
 * thread: the score is events per second. The events are real incidents: the shipped demo
 * scenarios (dd's I/O-wait stall, a mod_evasive-fought DoS, a PHP mail flood) and the captured
 * access-log floods as {@code culprit collect --once} turns them into per-second tallies.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class Detectors {

    @Param({"iowait-scenario", "dos-scenario", "dos-access-flood", "mail-scenario"})
    public String incident;

    private HostTimeline<?> host;

    @Setup
    public void loadIncident() {
        RuleSet rules = Checkout.shippedRules();
        host = switch (incident) {
            case "iowait-scenario" -> new HostTimeline<>(new IoWaitDetector(rules.iowait()), Checkout.scenario("iowait"));
            case "dos-scenario" -> new HostTimeline<>(new DosDetector(rules.dos()), Checkout.scenario("dos"));
            case "dos-access-flood" -> new HostTimeline<>(new DosDetector(rules.dos()),
                    Checkout.collectedOnce(LogKind.ACCESS, "access-flood/combined-access.txt.gz", "shop"));
            case "mail-scenario" -> new HostTimeline<>(new MailAbuseDetector(rules.mail()), Checkout.scenario("mail"));
            default -> throw new IllegalArgumentException("no incident named " + incident);
        };
    }

    @TearDown
    public void report() {
        System.out.println(host.summary());
        LoadAverage.print();
    }

    @Benchmark
    public void judgeEvent(Blackhole alerts) {
        host.judgeNext(alerts);
    }
}
