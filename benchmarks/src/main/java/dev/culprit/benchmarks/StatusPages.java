package dev.culprit.benchmarks;

import dev.culprit.collectors.apache.ExtendedStatusParser;
import dev.culprit.collectors.apache.ServerStatusParser;
import java.nio.file.Path;
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
 * mod_status pages as the poller reads them, one page per operation: every captured {@code ?auto}
 * page (prefork, worker and event MPMs, idle, loaded, restarted) and every HTML page with the
 * ExtendedStatus worker table. The poller reads a page a second, so pages/s is the figure here;
 * the lines counter gives the same in lines.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class StatusPages {

    private CapturedPages autoPages;
    private CapturedPages htmlPages;

    @Setup
    public void readCaptures() {
        autoPages = new CapturedPages(Checkout.capturedFiles(".", StatusPages::isAutoPage));
        htmlPages = new CapturedPages(Checkout.capturedFiles(".", StatusPages::isHtmlPage));
    }

    private static boolean isAutoPage(Path file) {
        return file.getFileName().toString().matches(".*-auto(-\\d+)?\\.txt");
    }

    private static boolean isHtmlPage(Path file) {
        return file.getFileName().toString().endsWith(".html");
    }

    @TearDown
    public void printLoad() {
        LoadAverage.print();
    }

    @Benchmark
    public void autoPage(ParsedLines counted, Blackhole parsed) {
        parsed.consume(ServerStatusParser.parse(autoPages.next()));
        counted.lines += autoPages.lastLines();
    }

    @Benchmark
    public void extendedStatusPage(ParsedLines counted, Blackhole parsed) {
        parsed.consume(ExtendedStatusParser.parse(htmlPages.next()));
        counted.lines += htmlPages.lastLines();
    }
}
