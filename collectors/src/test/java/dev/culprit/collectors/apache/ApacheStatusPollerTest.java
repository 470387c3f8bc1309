package dev.culprit.collectors.apache;

import static dev.culprit.collectors.apache.CapturedPages.readAt;
import static dev.culprit.collectors.apache.CapturedPages.text;
import static dev.culprit.collectors.apache.StatusServer.Response.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.culprit.collectors.CaptureClock;
import dev.culprit.events.ApacheStatus.WorkerRequest;
import dev.culprit.events.ApacheStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The poller against a local HTTP server that serves the pages captured from a real Apache 2.4,
 * in the order they were read, with the clock set to each page's read time from times.txt.
 */
class ApacheStatusPollerTest {

    private final StatusServer apache = newServer();
    private final CaptureClock clock = new CaptureClock(0);

    @AfterEach
    void stopServer() {
        apache.close();
    }

    private ApacheStatusPoller poller(ApacheStatusSettings settings) {
        return new ApacheStatusPoller("web1", settings, Map.of(), clock);
    }

    private ApacheStatus pollAt(ApacheStatusPoller poller, String capturedFile) {
        clock.set(readAt(capturedFile));
        return poller.poll();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // mpm,    expected req/s: Total Accesses delta / seconds between the two reads (times.txt)
        "prefork, 6395.5705", // (22994 - 181)   / (1795984724650 - 1795984721083 ms) = 22813 / 3.567 s
        "worker,  9971.4193", // (46053 - 15351) / (1795984741122 - 1795984738043 ms) = 30702 / 3.079 s
        "event,   7585.2625", // (39995 - 16731) / (1795984758496 - 1795984755429 ms) = 23264 / 3.067 s
    })
    void requestRateUnderLoadIsTheChangeOfTotalAccessesOverTheTimeBetweenReads(String mpm, double expected) {
        apache.auto(page(text(mpm + "-load-auto-1.txt")), page(text(mpm + "-load-auto-2.txt")));
        ApacheStatusPoller poller = poller(ApacheStatusSettings.of(apache.url()));

        ApacheStatus first = pollAt(poller, mpm + "-load-auto-1.txt");
        ApacheStatus second = pollAt(poller, mpm + "-load-auto-2.txt");

        assertThat(first.requestsPerSec()).as("no rate before there are two reads").isNull();
        assertThat(second.requestsPerSec()).isCloseTo(expected, within(1e-3));
        assertThat(second.ts()).isEqualTo(readAt(mpm + "-load-auto-2.txt"));
    }

    @Test
    void aLoadedEventServerReadsAsItsPageShows() {
        apache.auto(page(text("event-load-auto-2.txt")));

        ApacheStatus status = pollAt(poller(ApacheStatusSettings.of(apache.url())), "event-load-auto-2.txt");

        assertThat(status.host()).isEqualTo("web1");
        assertThat(status.source()).isEqualTo("apache");
        assertThat(status.server()).isEqualTo(apache.url().toString());
        assertThat(status.reachable()).isTrue();
        assertThat(status.error()).isNull();
        assertThat(status.uptimeSeconds()).isEqualTo(8);
        assertThat(status.totalAccesses()).isEqualTo(39995);
        assertThat(status.busyWorkers()).isEqualTo(27);
        assertThat(status.idleWorkers()).isEqualTo(73);
        assertThat(status.scoreboard()).containsEntry("sending", 27).containsEntry("waiting", 73)
                .containsEntry("open_slot", 50).containsEntry("reading", 0);
        assertThat(status.workers()).as("no extended page asked for").isEmpty();
    }

    @Test
    void aRestartGivesNoRateAndAGracefulRestartKeepsIt() {
        apache.auto(page(text("event-before-restart-auto.txt")), page(text("event-after-restart-auto.txt")),
                page(text("event-after-graceful-auto.txt")));
        ApacheStatusPoller poller = poller(ApacheStatusSettings.of(apache.url()));

        pollAt(poller, "event-before-restart-auto.txt");
        ApacheStatus afterRestart = pollAt(poller, "event-after-restart-auto.txt");
        ApacheStatus afterGraceful = pollAt(poller, "event-after-graceful-auto.txt");

        // Total Accesses 60187 → 1 and uptime 18 → 1 s: counters were reset, there is no rate.
        assertThat(afterRestart.totalAccesses()).isEqualTo(1);
        assertThat(afterRestart.requestsPerSec()).isNull();
        // graceful keeps the counters: (3 - 1) / (1795984774379 - 1795984770291 ms) = 2 / 4.088 s
        assertThat(afterGraceful.requestsPerSec()).isCloseTo(0.48924, within(1e-5));
    }

    @Test
    void theWorkerTableNamesTheClientsOfTheSlowPage() {
        apache.auto(page(text("event-load-auto-1.txt"))).html(page(text("event-load.html")));
        ApacheStatusSettings settings = new ApacheStatusSettings(apache.url(), true, null, null, null, null);

        ApacheStatus status = pollAt(poller(settings), "event-load-auto-1.txt");

        assertThat(status.error()).isNull();
        assertThat(status.workers()).hasSize(26).allSatisfy(w -> assertThat(w.mode()).isEqualTo("W"));
        assertThat(status.workers()).filteredOn(w -> !w.client().equals("127.0.0.1"))
                .extracting(WorkerRequest::client)
                .containsExactlyInAnyOrder("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25");
        assertThat(status.workers()).filteredOn(w -> w.client().equals("127.0.0.21")).singleElement()
                .isEqualTo(new WorkerRequest("127.0.0.21", "127.0.0.1:80", "GET /cgi-bin/culprit-slow.sh HTTP/1.1", "W", 0L));
    }

    @Test
    void aFailingExtendedPageKeepsTheCountersAndSaysWhy() {
        apache.auto(page(text("event-load-auto-1.txt"))).html(new StatusServer.Response(500, "oops"));
        ApacheStatusSettings settings = new ApacheStatusSettings(apache.url(), true, null, null, null, null);

        ApacheStatus status = pollAt(poller(settings), "event-load-auto-1.txt");

        assertThat(status.reachable()).isTrue();
        assertThat(status.totalAccesses()).isEqualTo(16731);
        assertThat(status.workers()).isEmpty();
        assertThat(status.error()).isEqualTo("extended status: GET " + apache.url() + ": HTTP 500");
    }

    @Test
    void basicAuthFromAnEnvironmentVariableIsSent() {
        apache.requireAuthorization("Basic Y3VscHJpdDpzM2NyZXQ=").auto(page(text("prefork-idle-auto.txt")));
        ApacheStatusSettings settings = new ApacheStatusSettings(apache.url(), false, null, null, "STATUS_AUTH", null);
        ApacheStatusPoller poller = new ApacheStatusPoller("web1", settings, Map.of("STATUS_AUTH", "culprit:s3cret"), clock);

        ApacheStatus status = poller.poll();

        assertThat(status.reachable()).isTrue();
        assertThat(status.busyWorkers()).isEqualTo(1);
        assertThat(apache.authorizationsSeen()).containsExactly("Basic Y3VscHJpdDpzM2NyZXQ=");
    }

    @Test
    void basicAuthFromAFileIsSent(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("status.secret"), "culprit:s3cret\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        apache.requireAuthorization("Basic Y3VscHJpdDpzM2NyZXQ=").auto(page(text("prefork-idle-auto.txt")));

        ApacheStatus status = poller(new ApacheStatusSettings(apache.url(), false, null, null, null, secret)).poll();

        assertThat(status.reachable()).isTrue();
    }

    @Test
    void aCredentialsFileOthersCanReadIsRefusedNamingTheFix(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("status.secret"), "culprit:s3cret\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> new ApacheStatusSettings(apache.url(), false, null, null, null, secret).credentials(Map.of()))
                .hasMessageContaining("chmod 600").hasMessageContaining(secret.toString()).hasMessageNotContaining("s3cret");
    }

    @Test
    void withoutCredentialsA401IsAnUnreadableServer() {
        apache.requireAuthorization("Basic Y3VscHJpdDpzM2NyZXQ=").auto(page(text("prefork-idle-auto.txt")));
        clock.set(1_795_984_717_048L);

        ApacheStatus status = poller(ApacheStatusSettings.of(apache.url())).poll();

        assertThat(status.reachable()).isFalse();
        assertThat(status.error()).isEqualTo("GET " + apache.url() + "?auto: HTTP 401");
        assertThat(status.ts()).isEqualTo(1_795_984_717_048L);
        assertThat(status.totalAccesses()).isNull();
        assertThat(status.scoreboard()).isEmpty();
    }

    @Test
    void aLoginPageInsteadOfTheStatusIsNamedNotParsed() {
        apache.auto(page(text("prefork-load.html")));

        ApacheStatus status = poller(ApacheStatusSettings.of(apache.url())).poll();

        assertThat(status.reachable()).isFalse();
        assertThat(status.error()).startsWith(apache.url() + "?auto is not a mod_status ?auto page: line 2:");
    }

    @Test
    void aClosedPortIsAnUnreachableServer() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + "/server-status");

        ApacheStatus status = poller(ApacheStatusSettings.of(url)).poll();

        assertThat(status.reachable()).isFalse();
        assertThat(status.server()).isEqualTo(url.toString());
        assertThat(status.error()).isEqualTo("GET " + url + "?auto: cannot connect: connection refused");
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        try (ServerSocket silent = new ServerSocket()) {
            // Connections complete in the kernel's backlog; nobody ever reads or answers them.
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/server-status");
            ApacheStatusSettings settings = new ApacheStatusSettings(url, false,
                    Duration.ofMillis(500), Duration.ofMillis(300), null, null);

            long started = System.nanoTime();
            ApacheStatus status = poller(settings).poll();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(status.reachable()).isFalse();
            assertThat(status.error()).isEqualTo("GET " + url + "?auto: no response within 0.3 s");
            assertThat(took).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aServerThatStallsMidPageIsCutOffByTheDeadline() throws Exception {
        try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread answerer = new Thread(() -> {
                try (Socket client = stalling.accept()) {
                    client.getInputStream().read(new byte[4096]);
                    client.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: 2000\r\n\r\n127.0.0.1\nServerVersion: Apache/2.4.71\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    Thread.sleep(10_000); // the rest of the page never comes
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            answerer.setDaemon(true);
            answerer.start();
            URI url = URI.create("http://127.0.0.1:" + stalling.getLocalPort() + "/server-status");
            ApacheStatusSettings settings = new ApacheStatusSettings(url, false,
                    Duration.ofMillis(200), Duration.ofMillis(300), null, null);

            ApacheStatus status = poller(settings).poll();
            answerer.interrupt();

            assertThat(status.reachable()).isFalse();
            assertThat(status.error()).isEqualTo("GET " + url + "?auto: no complete response within 0.5 s");
        }
    }

    private static StatusServer newServer() {
        try {
            return new StatusServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
