package dev.culprit.benchmarks;

import dev.culprit.collectors.proc.CpuTimes;
import dev.culprit.collectors.proc.DiskCounters;
import dev.culprit.collectors.proc.IoPressure;
import dev.culprit.collectors.proc.ProcIo;
import dev.culprit.collectors.proc.ProcStat;
import dev.culprit.collectors.proc.ProcessCgroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The proc sampler's parsers, one captured file per operation, over every capture of that file
 * (idle hosts, dd, fio, cgroup samples, child exits): {@code /proc/PID/stat}, {@code /proc/PID/io},
 * {@code /proc/PID/cgroup}, {@code /proc/stat}, {@code /proc/diskstats}, {@code /proc/pressure/io}.
 * The sampler reads each once per process or host a second, so files/s is the figure; the lines
 * counter gives the same in lines.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class ProcFiles {

    private CapturedPages pidStat;
    private CapturedPages pidIo;
    private CapturedPages pidCgroup;
    private CapturedPages hostStat;
    private CapturedPages diskstats;
    private CapturedPages ioPressure;

    @Setup
    public void readCaptures() {
        pidStat = parseable(file -> isProcessFile(file, "stat"), ProcStat::parse);
        pidIo = parseable(file -> isProcessFile(file, "io"), ProcIo::parse);
        pidCgroup = parseable(file -> isProcessFile(file, "cgroup"), ProcessCgroup::parse);
        hostStat = parseable(file -> isHostFile(file, "stat"), CpuTimes::parse);
        diskstats = parseable(file -> isHostFile(file, "diskstats"), DiskCounters::parseAll);
        ioPressure = parseable(file -> file.endsWith(Path.of("pressure", "io")), IoPressure::parse);
    }

    /** {@code PID/name} or {@code self/name}: a process's file. */
    private static boolean isProcessFile(Path file, String name) {
        String dir = file.getParent().getFileName().toString();
        return file.getFileName().toString().equals(name) && (dir.matches("\\d+") || dir.equals("self"));
    }

    /** {@code name} directly in a captured proc root: the host's file. */
    private static boolean isHostFile(Path file, String name) {
        String dir = file.getParent().getFileName().toString();
        return file.getFileName().toString().equals(name) && !dir.matches("\\d+") && !dir.equals("self");
    }

    /**
     * The captured files {@code wanted} picks that {@code parser} accepts. A file it refuses is
     * named and left out, so that what is measured is parsing, not throwing.
     */
    private static CapturedPages parseable(Predicate<Path> wanted, Function<String, ?> parser) {
        List<Path> accepted = new ArrayList<>();
        List<Path> files = new ArrayList<>(Checkout.capturedFiles("proc", wanted));
        files.addAll(Checkout.capturedFiles("iostat", wanted));
        for (Path file : files) {
            try {
                parser.apply(Checkout.text(file));
                accepted.add(file);
            } catch (IllegalArgumentException refused) {
                System.out.println("left out (the parser refuses it): " + file + ": " + refused.getMessage());
            }
        }
        return new CapturedPages(accepted);
    }

    @TearDown
    public void printLoad() {
        LoadAverage.print();
    }

    @Benchmark
    public void pidStat(ParsedLines counted, Blackhole parsed) {
        parsed.consume(ProcStat.parse(pidStat.next()));
        counted.lines += pidStat.lastLines();
    }

    @Benchmark
    public void pidIo(ParsedLines counted, Blackhole parsed) {
        parsed.consume(ProcIo.parse(pidIo.next()));
        counted.lines += pidIo.lastLines();
    }

    @Benchmark
    public void pidCgroup(ParsedLines counted, Blackhole parsed) {
        parsed.consume(ProcessCgroup.parse(pidCgroup.next()));
        counted.lines += pidCgroup.lastLines();
    }

    @Benchmark
    public void hostStat(ParsedLines counted, Blackhole parsed) {
        parsed.consume(CpuTimes.parse(hostStat.next()));
        counted.lines += hostStat.lastLines();
    }

    @Benchmark
    public void diskstats(ParsedLines counted, Blackhole parsed) {
        parsed.consume(DiskCounters.parseAll(diskstats.next()));
        counted.lines += diskstats.lastLines();
    }

    @Benchmark
    public void ioPressure(ParsedLines counted, Blackhole parsed) {
        parsed.consume(IoPressure.parse(ioPressure.next()));
        counted.lines += ioPressure.lastLines();
    }
}
