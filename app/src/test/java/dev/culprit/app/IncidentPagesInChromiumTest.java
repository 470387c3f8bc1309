package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.Culprit;
import dev.culprit.events.DiskSample;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.PhpMail;
import dev.culprit.events.ProcessIoSample;
import dev.culprit.events.Severity;
import dev.culprit.events.Topics;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.DataDirectory;
import dev.culprit.storage.Database;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.IncidentFilter;
import dev.culprit.storage.IncidentId;
import dev.culprit.storage.IncidentQueries;
import dev.culprit.storage.IncidentStore;
import dev.culprit.storage.RawEventStore;
import dev.culprit.testkit.KafkaCluster;
import dev.culprit.testkit.RealKafka;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incident's report and the live page as an operator's browser shows them: one H2 history
 * written through the real stores, one {@code culprit ui} server on a real Kafka, one headless
 * Chromium. Screenshots land in {@code target/screenshots/} for review.
 */
@Tag("slow")
@ExtendWith(RealKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentPagesInChromiumTest {

    private static final String HOST = "web1";
    /** What an attacker on the host can name a process: markup, quotes, an ANSI escape and a newline. */
    static final String HOSTILE = "666 <script>alert(1)</script>\"'\u001b[31m\nx";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Path dir;

    private final long start = System.currentTimeMillis() - 10 * 60_000;
    private final long end = start + 60_000;
    private KafkaCluster kafka;
    private Database db;
    private DatabaseAccess reader;
    private AlertsFeed feed;
    private Server server;
    private String base;

    @BeforeAll
    void historyAndServer(KafkaCluster kafka, @TempDir Path dir) throws Exception {
        this.kafka = kafka;
        this.dir = dir;
        kafka.createTopics(List.of(Topics.ALERTS));
        db = DataDirectory.prepare(dir, notice -> { }).database("culprit");
        new RawEventStore(db).save(hostEvents());
        new IncidentStore(db).save(List.of(
                alert("iowait-1", IncidentKind.IOWAIT, start, null, Alert.State.FIRING, start, List.of("mail-1")),
                alert("iowait-1", IncidentKind.IOWAIT, start, end, Alert.State.RESOLVED, end, List.of("mail-1")),
                alert("mail-1", IncidentKind.MAIL, start + 20_000, end, Alert.State.RESOLVED, end, List.of())));
        reader = DataDirectory.existing(dir).reader("culprit");
        feed = AlertsFeed.start(kafka.access());
        server = new LivePages(IncidentQueries.open(reader), IncidentFilter.all(100), RuleSet.DEFAULT, feed, ZoneId.of("UTC"))
                .server(InetAddress.getLoopbackAddress(), 0, reader.login());
        server.start();
        base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/";
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (feed != null) {
            feed.close();
        }
    }

    /** Every 5 s for the incident's span and two minutes either side: the CPU, a disk, the culprits' processes, some mail. */
    private List<Event> hostEvents() {
        List<Event> events = new ArrayList<>();
        for (long ts = start - 120_000; ts < end + 120_000; ts += 5_000) {
            boolean during = ts >= start && ts <= end;
            double iowait = during ? 30 + (ts - start) % 17_000 / 1000.0 : 2 + (ts / 5_000) % 3;
            events.add(new CpuSample(HOST, "proc", ts, 1, 5_000, 10, 0, 5, iowait, 0, 85 - iowait,
                    during ? 45.5 : 1.25, during ? 20.0 : 0.0, 100L));
            events.add(new DiskSample(HOST, "proc", ts, 1, "vda", 5_000, 10, during ? 900 : 5, 0, 0, 40, during ? 90_000 : 20, 0,
                    1.5, during ? 75.25 : 0.5, 0, 0, during ? 6 : 0.1, during ? 99.5 : 3));
        }
        events.add(new ProcessIoSample(HOST, "proc", start + 5_000, 1, 4211, 100L, 1, "dd", "dd if=/dev/zero of=/var/tmp/x", "D",
                5_000, 0, 9.2e7, 400L, 5, null, null, List.of("vda"), List.of("/var/tmp/x")));
        events.add(new PhpMail(HOST, "phpmail", start + 30_000, 1, "/var/www/contact.php", 12, PhpMail.Origin.FILE,
                List.of("a@example.org"), "hello", "/var/log/php/mail.log", 4096L));
        return events;
    }

    private static Alert alert(String id, IncidentKind kind, long start, Long end, Alert.State state, long ts, List<String> related) {
        List<Culprit> culprits = kind == IncidentKind.IOWAIT
                ? List.of(new Culprit("process", "4211 dd", Map.of("readBytesPerSec", 0.0, "writeBytesPerSec", 9.2e7),
                                Map.of("cmdline", "dd if=/dev/zero of=/var/tmp/x")),
                        new Culprit("process", HOSTILE, Map.of("readBytesPerSec", 1.5e6, "writeBytesPerSec", 0.0)),
                        new Culprit("disk", "vda", Map.of("writeAwaitMs", 75.25, "utilPct", 99.5)))
                : List.of(new Culprit("script", "/var/www/contact.php", Map.of("mails", 1.0, "mailsPerMinute", 1.0)));
        Incident incident = new Incident(HOST, "detector", ts, 1, id, kind, Severity.CRITICAL, kind.name().toLowerCase(),
                start, end, end == null ? null : "condition cleared", kind.name().toLowerCase() + " on " + HOST, culprits, related);
        return new Alert(HOST, "detector", ts, 1, state, incident);
    }

    private HeadlessChromium browser(String name) throws Exception {
        Path chromium = HeadlessChromium.executable();
        if (chromium == null) {
            String why = "needs Debian's chromium (apt-get install chromium; .ci/run does)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true and the browser test " + why);
            }
            Assumptions.abort(why);
        }
        HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve(name), 1100, 1400);
        browser.login(reader.login().user(), reader.login().password());
        return browser;
    }

    @Test
    void theReportPlotsTheStoredEventsAndShowsAHostileNameAsText() throws Exception {
        String id = IncidentId.of("iowait-1");
        List<Event> stored = new RawEventStore(db).read(start - 120_000, end + 120_000, HOST);
        List<CpuSample> cpu = stored.stream().filter(CpuSample.class::isInstance).map(CpuSample.class::cast).toList();
        assertThat(cpu).hasSizeGreaterThan(40);
        try (HeadlessChromium browser = browser("report")) {
            browser.open(base + "report/" + id);

            JsonNode iowait = browser.evaluate(series("iowait %"));
            assertThat(longs(iowait.get("ts").asText())).containsExactlyElementsOf(cpu.stream().map(CpuSample::ts).toList());
            assertThat(doubles(iowait.get("values").asText())).containsExactlyElementsOf(cpu.stream().map(CpuSample::iowaitPct).toList());
            JsonNode pressure = browser.evaluate(series("I/O pressure some avg10 %"));
            assertThat(doubles(pressure.get("values").asText())).containsExactlyElementsOf(cpu.stream().map(CpuSample::ioSomeAvg10).toList());
            JsonNode await = browser.evaluate(series("vda await ms"));
            assertThat(doubles(await.get("values").asText())).containsExactlyElementsOf(stored.stream()
                    .filter(DiskSample.class::isInstance).map(DiskSample.class::cast)
                    .map(d -> Math.max(d.readAwaitMs(), d.writeAwaitMs())).toList()); // the slowest kind of request
            assertThat(browser.evaluate("[...document.querySelectorAll('svg[data-chart=cpu] line.threshold')]"
                    + ".map(l => l.dataset.threshold + '=' + l.dataset.value).join(' ')").asText())
                    .isEqualTo("iowaitPct=20.0 pressureSomePct=20.0 criticalPct=50.0");
            assertThat(browser.evaluate("document.querySelector('svg[data-chart=cpu] rect.span').dataset.start").asText())
                    .isEqualTo(String.valueOf(start));

            assertThat(browser.evaluate("[...document.querySelectorAll('svg[data-chart=culprits-process] g.bar')]"
                    + ".map(g => g.dataset.label + '=' + g.dataset.value)").toString())
                    .isEqualTo(EventCodec.mapper().writeValueAsString(List.of("4211 dd=9.2E7", TerminalText.printable(HOSTILE) + "=1500000.0")));
            assertThat(browser.evaluate("document.querySelectorAll('script').length").asInt()).as("scripts in the report").isZero();
            assertThat(browser.evaluate("document.querySelector('#culprits').innerText").asText())
                    .contains("666 <script>alert(1)</script>\"'\\x1b[31m\\x0ax");
            String evidence = browser.evaluate("document.querySelector('#evidence').innerText").asText();
            assertThat(evidence).contains("/var/log/php/mail.log\t4096").contains("ProcessIoSample");
            assertThat(browser.evaluate("document.querySelector('#linked a').getAttribute('href')").asText())
                    .isEqualTo("/report/" + IncidentId.of("mail-1"));

            browser.screenshot(SCREENSHOTS.resolve("report-light.png"));
            browser.colourScheme("dark");
            assertThat(browser.evaluate("getComputedStyle(document.body).backgroundColor").asText()).isEqualTo("rgb(20, 24, 28)");
            browser.screenshot(SCREENSHOTS.resolve("report-dark.png"));
        }
    }

    @Test
    void anAlertPublishedAfterTheLivePageLoadedAppearsWithoutAReload() throws Exception {
        try (HeadlessChromium browser = browser("live")) {
            browser.open(base);
            assertThat(browser.evaluate("document.querySelectorAll('#incidents tr').length").asInt()).isEqualTo(2);
            waitFor(browser, "document.getElementById('status').textContent.startsWith('Live')");
            browser.evaluate("window.loadedOnce = 'yes'");

            Alert fresh = new Alert("web2", "detector", System.currentTimeMillis(), 1, Alert.State.FIRING,
                    new Incident("web2", "detector", System.currentTimeMillis(), 1, "dos-live", IncidentKind.DOS, Severity.WARNING, "dos",
                            System.currentTimeMillis(), null, null, "requests 40x their usual rate",
                            List.of(new Culprit("client", HOSTILE, Map.of("denied", 480.0))), List.of()));
            try (var producer = new KafkaProducer<String, byte[]>(kafka.access().clientConfig(Map.of(
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
                producer.send(new ProducerRecord<>(Topics.ALERTS, "web2", EventCodec.encode(fresh))).get();
            }
            String row = "document.getElementById('incident-" + IncidentId.of("dos-live") + "')";
            waitFor(browser, row + " !== null");
            assertThat(browser.evaluate("window.loadedOnce").asText()).as("the page was not reloaded").isEqualTo("yes");
            assertThat(browser.evaluate(row + ".cells[7].textContent").asText()).isEqualTo(TerminalText.printable(HOSTILE));
            assertThat(browser.evaluate(row + ".querySelector('a').getAttribute('href')").asText())
                    .isEqualTo("/report/" + IncidentId.of("dos-live"));
            assertThat(browser.evaluate("document.querySelectorAll('#incidents tr').length").asInt()).isEqualTo(3);
            browser.screenshot(SCREENSHOTS.resolve("live.png"));
        }
    }

    @Test
    void nothingIsServedWithoutThePassword() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String password = reader.login().password();
        for (String path : List.of("", "events", "live.js", "report/" + IncidentId.of("iowait-1"), "report/nothing")) {
            assertThat(get(http, base + path, null).statusCode()).as(path + " without a login").isEqualTo(401);
            assertThat(get(http, base + path, reader.login().user() + ":not-" + password).statusCode()).as(path + " wrong password").isEqualTo(401);
        }
        HttpResponse<String> page = get(http, base, reader.login().user() + ":" + password);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(LivePages.CONTENT_SECURITY_POLICY);
        assertThat(get(http, base + "report/ffffffff", reader.login().user() + ":" + password).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(HttpClient http, String url, String login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (login != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
        }
        // the stream answers 200 and stays open: read its head only
        return http.send(request.build(), info -> info.statusCode() == 200 && url.endsWith("events")
                ? HttpResponse.BodySubscribers.replacing("") : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8));
    }

    private static String series(String name) {
        return "(() => { const s = [...document.querySelectorAll('polyline.series')].find(p => p.dataset.series === "
                + "'" + name + "'); return {ts: s.dataset.ts, values: s.dataset.values}; })()";
    }

    private static List<Long> longs(String text) {
        return Arrays.stream(text.split(" ")).map(Long::valueOf).toList();
    }

    private static List<Double> doubles(String text) {
        return Arrays.stream(text.split(" ")).map(Double::valueOf).toList();
    }

    private static void waitFor(HeadlessChromium browser, String condition) throws Exception {
        for (long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos(); !browser.evaluate(condition).asBoolean(); ) {
            if (System.nanoTime() > deadline) {
                fail("not within 15 s: " + condition + "\n" + browser.evaluate("document.body.innerText").asText());
            }
            Thread.sleep(100);
        }
    }
}
