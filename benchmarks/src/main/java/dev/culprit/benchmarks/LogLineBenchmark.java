package dev.culprit.benchmarks;

import dev.culprit.collectors.LineParser;
import java.util.concurrent.TimeUnit;
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
 * One log line through the parser the collector uses for that log, per operation, on one thread:
 * the score is lines per second per core. Subclasses name the parser and the captured files.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public abstract class LogLineBenchmark {

    /** The collector's own host name goes into every event; any name costs the same. */
    private static final String HOST = "bench-host";

    private CapturedLines lines;
    private LineParser parser;

    /** The captured file this run reads, under collectors/src/test/resources/captured. */
    abstract String capturedFile();

    /** The parser the collector sets up for {@code file}. */
    abstract LineParser parserFor(String file);

    @Setup
    public void readCapture() {
        lines = new CapturedLines(Checkout.lines(capturedFile()));
        parser = parserFor(capturedFile());
    }

    @TearDown
    public void printLoad() {
        LoadAverage.print();
    }

    @Benchmark
    public void parseLine(Blackhole parsed) {
        parsed.consume(parser.parse(HOST, lines.next()));
    }
}
