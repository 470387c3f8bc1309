package dev.culprit.collectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.config.ConfigLoader;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache answering no status page, or gone: the collector says so in unreachable events, once a
 * poll, and goes on sampling /proc at its own pace all the while.
 */
class ApacheDownTest {

    @TempDir
    Path dir;

    private final List<Event> shipped = new CopyOnWriteArrayList<>();

    @Test
    void anApacheThatNeverAnswersIsUnreachableEachPollAndProcIsSampledAllTheWhile() throws Exception {
        try (ServerSocket silent = new ServerSocket()) {
            // connections complete in the kernel's backlog; nobody ever answers them, as under a DoS
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            List<Event> events = collectFor(8_000, "http://127.0.0.1:" + silent.getLocalPort() + "/server-status");

            assertThat(events).filteredOn(CpuSample.class::isInstance).as("/proc samples, 500 ms apart, over 8 s").hasSizeGreaterThanOrEqualTo(10);
            List<ApacheStatus> apache = events.stream().filter(ApacheStatus.class::isInstance).map(ApacheStatus.class::cast).toList();
            assertThat(apache).as("a poll waits 2 s + 1 s at most, then 1 s until the next").hasSizeGreaterThanOrEqualTo(2);
            assertThat(apache).allSatisfy(s -> {
                assertThat(s.reachable()).isFalse();
                assertThat(s.error()).endsWith("no response within 1.0 s");
            });
        }
    }

    @Test
    void anApacheThatIsDownIsUnreachableEachPollAndProcIsSampledAllTheWhile() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0)) {
            closedPort = gone.getLocalPort();
        }
        List<Event> events = collectFor(4_000, "http://127.0.0.1:" + closedPort + "/server-status");

        assertThat(events).filteredOn(CpuSample.class::isInstance).hasSizeGreaterThanOrEqualTo(5);
        List<ApacheStatus> apache = events.stream().filter(ApacheStatus.class::isInstance).map(ApacheStatus.class::cast).toList();
        assertThat(apache).hasSizeGreaterThanOrEqualTo(3);
        assertThat(apache).allSatisfy(s -> assertThat(s.error()).endsWith("cannot connect: connection refused"));
    }

    /** What a collector sampling /proc every 500 ms and Apache at {@code statusUrl} every second hands over in {@code millis}. */
    private List<Event> collectFor(long millis, String statusUrl) throws Exception {
        Path config = Files.writeString(dir.resolve("collector.yaml"), "host: web1\nsources:\n"
                + "  proc:\n    enabled: true\n    interval: 500ms\n"
                + "  apache:\n    enabled: true\n    url: " + statusUrl + "\n    interval: 1s\n    readTimeout: 1s\n");
        BatchSink memory = (events, positions) -> shipped.addAll(events);
        try (Collector collector = Collector.startInto(ConfigLoader.load(config), memory, Clock.systemUTC())) {
            Thread.sleep(millis);
        }
        return List.copyOf(shipped);
    }
}
