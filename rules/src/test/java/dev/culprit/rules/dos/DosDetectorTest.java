package dev.culprit.rules.dos;

import static dev.culprit.rules.dos.CapturedStatus.HOST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.ParseResult;
import dev.culprit.collectors.evasive.DenialAggregation;
import dev.culprit.collectors.evasive.EvasiveLineParser;
import dev.culprit.events.Alert;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.ApacheStatus.WorkerRequest;
import dev.culprit.events.Culprit;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Incident;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import dev.culprit.rules.ShippedRules;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DosDetectorTest {

    private static final EvasiveLineParser EVASIVE =
            new EvasiveLineParser(ZoneOffset.UTC, Clock.fixed(Instant.parse("2026-11-29T21:00:00Z"), ZoneOffset.UTC));
    private static final Map<String, Long> EVASIVE_TIMES = CapturedStatus.times("evasive");
    private static final Map<String, Long> APACHE_TIMES = CapturedStatus.times("apache");

    private final DosDetector detector = new DosDetector(ShippedRules.RULES.dos());

    // --- real captures -------------------------------------------------------------------------

    @Test
    void theEvasiveRunBlamesTheThreeAttackersAndNotTheVisitorServedAlongsideThem() {
        List<Event> events = new ArrayList<>(evasive("run1-writable-apache-error.txt"));
        events.addAll(evasive("run1-writable-syslog-rfc3339.txt"));
        events.addAll(accessLogPolls("run1-writable-apache-access.txt", EVASIVE_TIMES.get("run1-writable-start"),
                EVASIVE_TIMES.get("run1-writable-end")));
        events.addAll(quietPolls(EVASIVE_TIMES.get("run1-writable-end") + 5_000, 120));

        List<Alert> alerts = feed(events);

        // No update: the names changed within minUpdateMs of firing; the resolved incident has them all.
        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts).extracting(a -> a.incident().id()).containsOnly(alerts.get(0).incident().id());
        // mod_evasive's first blacklisting (127.0.0.67 at 20:39:39.164) fires at once
        assertThat(alerts.get(0).ts()).isEqualTo(Instant.parse("2026-11-29T20:39:39.164332Z").toEpochMilli());
        Incident last = alerts.get(1).incident();
        // the second wave from .66, 12 s after the first ended, is the same flood, not a new incident
        assertThat(clients(last)).containsExactly("127.0.0.66", "127.0.0.67", "127.0.0.68").doesNotContain("127.0.0.10");
        assertThat(culprit(last, "127.0.0.66").evidence())
                .containsEntry("denied", 1743.0).containsEntry("blacklisted", 1.0).containsEntry("workers", 1.0);
        assertThat(culprit(last, "127.0.0.67").evidence()).containsEntry("denied", 1458.0);
        assertThat(culprit(last, "127.0.0.68").evidence()).containsEntry("denied", 1014.0);
        assertThat(culprit(last, "127.0.0.66").details().get("urls")).startsWith("/var/www/html/wp-login.php");
        // .68 asked for a different page each time: no page of its stands out
        assertThat(urls(last)).containsExactly("/var/www/html/wp-login.php", "/var/www/html/culprit-contact.php");
        assertThat(last.severity()).isEqualTo(Severity.WARNING); // the status page never showed the workers exhausted
        assertThat(last.summary()).contains("3 clients to block, first 127.0.0.66", "denied 4215 requests",
                "blacklisted 3 addresses", "most hit /var/www/html/wp-login.php")
                .containsPattern("peak 4\\d\\d req/s against a baseline of \\d;").doesNotContain("scoreboard");
        assertThat(last.end()).isBetween(EVASIVE_TIMES.get("run1-writable-wave2-start"), EVASIVE_TIMES.get("run1-writable-end"));
    }

    @Test
    void anUnwritableDosLogDirAloneIsNoAttack() {
        List<Event> events = new ArrayList<>();
        for (String line : CapturedStatus.read("evasive/run2-not-writable-syslog-rfc3339.txt").split("\n")) {
            events.add(parsed(line)); // one event per line, as a collector without aggregation would send
        }
        events.addAll(quietPolls(EVASIVE_TIMES.get("run2-not-writable-end"), 120));
        events.sort(Comparator.comparingLong(Event::ts));

        assertThat(events).hasSizeGreaterThan(600);
        assertThat(feed(events)).isEmpty();
    }

    @Test
    void theDenialsOfRunTwoStillOpenAnIncidentThatNotesTheMisconfiguration() {
        List<Event> events = new ArrayList<>(evasive("run2-not-writable-apache-error.txt"));
        events.addAll(evasive("run2-not-writable-syslog-rfc3339.txt"));
        events.addAll(quietPolls(EVASIVE_TIMES.get("run2-not-writable-end"), 120));

        List<Alert> alerts = feed(events);

        assertThat(alerts).extracting(Alert::state).endsWith(Alert.State.RESOLVED);
        Incident last = alerts.get(alerts.size() - 1).incident();
        assertThat(clients(last)).containsExactlyInAnyOrder("127.0.0.66", "127.0.0.67", "127.0.0.68");
        assertThat(last.culprits()).filteredOn(c -> c.role().equals("client"))
                .allSatisfy(c -> assertThat(c.evidence()).containsEntry("blacklisted", 0.0));
        assertThat(last.summary()).contains("mod_evasive is misconfigured",
                "Couldn't open logfile /var/log/apache2/evasive/dos-<IP>: Permission denied");
    }

    @Test
    void aLoadFloodOnWorkerAndEventMpmBlamesTheLoadGeneratorAndNotTheFiveSlowPageVisitors() {
        for (String mpm : List.of("worker", "event")) {
            List<Event> events = new ArrayList<>();
            ApacheStatus previous = null;
            long idleTs = APACHE_TIMES.get(mpm + "-idle-auto.txt");
            // five quiet minutes before: the idle page, nothing requested
            for (long ts = idleTs - 300_000; ts <= idleTs; ts += 10_000) {
                previous = CapturedStatus.poll(ts, "apache/" + mpm + "-idle-auto.txt", "apache/" + mpm + "-idle.html", previous);
                events.add(previous);
            }
            previous = CapturedStatus.poll(APACHE_TIMES.get(mpm + "-load-auto-1.txt"), "apache/" + mpm + "-load-auto-1.txt",
                    "apache/" + mpm + "-load.html", previous);
            events.add(previous);
            for (String page : List.of("-load-auto-2.txt", "-after-load-auto.txt")) {
                previous = CapturedStatus.poll(APACHE_TIMES.get(mpm + page), "apache/" + mpm + page, null, previous);
                events.add(previous);
            }

            List<Alert> alerts = feed(events);

            assertThat(alerts).as(mpm).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            Incident incident = alerts.get(0).incident();
            assertThat(incident.start()).as(mpm).isEqualTo(APACHE_TIMES.get(mpm + "-load-auto-1.txt"));
            // ab ran from 127.0.0.1; curl asked for the slow page from .21 to .25, one worker each
            assertThat(clients(incident)).as(mpm).containsExactly("127.0.0.1");
            assertThat(culprit(incident, "127.0.0.1").evidence().get("workers")).as(mpm).isGreaterThanOrEqualTo(20.0);
            assertThat(urls(incident)).as(mpm).contains("/cgi-bin/culprit-slow.sh").doesNotContain("/server-status");
            assertThat(incident.severity()).as(mpm).isEqualTo(Severity.WARNING);
            assertThat(incident.summary()).as(mpm).containsPattern("peak \\d{4} req/s against a baseline of 0");
        }
    }

    @Test
    void idleStatusPagesAreNoIncident() {
        for (String mpm : List.of("prefork", "worker", "event")) {
            List<Event> events = new ArrayList<>();
            ApacheStatus previous = null;
            for (long ts = 0; ts <= 600_000; ts += 5_000) {
                previous = CapturedStatus.poll(ts, "apache/" + mpm + "-idle-auto.txt", "apache/" + mpm + "-idle.html", previous);
                events.add(previous);
            }

            assertThat(feed(events)).as(mpm).isEmpty();
        }
    }

    // --- lifecycle, synthetic times ------------------------------------------------------------

    @Test
    void aSustainedFloodFiresAfterForMsUpdatesWhenWorkersRunOutAndResolvesAfterTheCooldown() {
        List<Event> events = new ArrayList<>(normalTraffic(0, 300));
        for (int s = 300; s < 360; s += 5) {
            events.add(status(s, 2_000, s >= 340 ? 145 : 60, crowd("203.0.113.7", 30, "/xmlrpc.php")));
        }
        events.addAll(normalTraffic(360, 500));

        List<Alert> alerts = feed(events);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.UPDATE, Alert.State.RESOLVED);
        assertThat(alerts).extracting(Alert::ts).containsExactly(310_000L, 340_000L, 420_000L);
        assertThat(alerts.get(0).incident().severity()).isEqualTo(Severity.WARNING);
        assertThat(alerts.get(1).incident().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(alerts.get(0).incident().id()).isEqualTo("web1-dos-300000");
        assertThat(alerts.get(2).incident().end()).isEqualTo(360_000L);
        assertThat(clients(alerts.get(0).incident())).containsExactly("203.0.113.7");
        assertThat(urls(alerts.get(0).incident())).containsExactly("/xmlrpc.php");
        assertThat(alerts.get(2).incident().summary()).contains("peak 2000 req/s against a baseline of 50",
                "scoreboard up to 97% busy");
    }

    @Test
    void aBurstShorterThanForMsIsNoIncident() {
        List<Event> events = new ArrayList<>(normalTraffic(0, 300));
        events.add(status(300, 2_000, 60, crowd("203.0.113.7", 30, "/")));
        events.add(status(305, 2_000, 60, crowd("203.0.113.7", 30, "/")));
        events.addAll(normalTraffic(310, 400));

        assertThat(feed(events)).isEmpty();
    }

    @Test
    void aFloodThatReturnsWithinTheCooldownIsTheSameIncident() {
        List<Event> events = new ArrayList<>(normalTraffic(0, 300));
        for (int s = 300; s < 330; s += 5) {
            events.add(status(s, 2_000, 60, crowd("203.0.113.7", 30, "/")));
        }
        events.addAll(normalTraffic(330, 360));
        for (int s = 360; s < 400; s += 5) {
            events.add(status(s, 2_000, 60, crowd("198.51.100.9", 30, "/")));
        }
        events.addAll(normalTraffic(400, 500));

        List<Alert> alerts = feed(events);

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.UPDATE, Alert.State.RESOLVED);
        assertThat(alerts).extracting(a -> a.incident().id()).containsOnly("web1-dos-300000");
        assertThat(clients(alerts.get(2).incident())).containsExactlyInAnyOrder("203.0.113.7", "198.51.100.9");
    }

    @Test
    void aLongSaturatingFloodDoesNotBecomeTheBaseline() {
        List<Event> events = new ArrayList<>(normalTraffic(0, 300));
        for (int s = 300; s < 3_900; s += 5) {
            events.add(status(s, 2_000, 145, List.of())); // 145 of 150 workers busy: visitors wait
        }

        List<Alert> alerts = new ArrayList<>();
        DosDetector.State state = feedKeeping(events, alerts);

        assertThat(alerts).extracting(Alert::state).doesNotContain(Alert.State.RESOLVED);
        assertThat(state.load().baseline()).isEqualTo(50.0);
        assertThat(alerts.get(0).incident().summary()).contains("no single client stands out");
    }

    @Test
    void aLastingStepUpWithNoDenialsAndNoSaturationIsLearnedAfterTheShippedAdaptTime() {
        DosRule shipped = ShippedRules.RULES.dos();
        List<Event> events = new ArrayList<>(normalTraffic(0, 300));
        for (int s = 300; s < 4_800; s += 5) {
            events.add(status(s, 2_000, 60, List.of())); // forty times the baseline, 40 % of the workers
        }
        List<Alert> alerts = new ArrayList<>();
        DosDetector.State state = DosDetector.State.EMPTY;
        for (Event e : events) {
            var step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
        }

        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        long stepUp = 300_000;
        assertThat(alerts.get(0).ts()).isEqualTo(stepUp + shipped.forMs());
        // Learned only once the rate alone had held the condition for baselineAdaptAfter...
        assertThat(alerts.get(1).incident().end()).isGreaterThanOrEqualTo(stepUp + shipped.baselineAdaptAfterMs());
        // ...and then within minutes, not hours.
        assertThat(alerts.get(1).ts()).isLessThan(stepUp + shipped.baselineAdaptAfterMs() + 600_000);
        assertThat(alerts.get(1).incident().resolution()).isEqualTo("condition cleared");
        assertThat(state.load().baseline()).isGreaterThan(2_000 / shipped.rateFactor());
    }

    @Test
    void aVisitorBlacklistedForReloadingIsNoAttack() {
        List<Event> events = new ArrayList<>(normalTraffic(0, 120));
        events.add(new EvasiveEvent("web1", "evasive", 60_000, Schema.VERSION, EvasiveEvent.Kind.BLACKLISTED,
                "198.51.100.23", null, 1, null, null, null));
        for (int i = 0; i < 4; i++) {
            events.add(new EvasiveEvent("web1", "evasive", 60_200 + i * 300, Schema.VERSION, EvasiveEvent.Kind.DENIED,
                    "198.51.100.23", "/index.php", 1, null, null, null));
        }

        assertThat(feed(events)).isEmpty();
    }

    private DosDetector.State feedKeeping(List<Event> events, List<Alert> alerts) {
        DosDetector.State state = DosDetector.State.EMPTY;
        for (Event e : events) {
            var step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
        }
        return state;
    }

    @Test
    void theStateSurvivesAJsonRoundTripMidIncident() throws Exception {
        List<Event> events = new ArrayList<>(evasive("run1-writable-apache-error.txt"));
        events.addAll(evasive("run1-writable-syslog-rfc3339.txt"));
        events.add(evasive("run2-not-writable-syslog-rfc3339.txt").get(0));
        events.addAll(accessLogPolls("run1-writable-apache-access.txt", EVASIVE_TIMES.get("run1-writable-start"),
                EVASIVE_TIMES.get("run1-writable-end")));
        events.addAll(quietPolls(EVASIVE_TIMES.get("run1-writable-end") + 5_000, 120));
        events.sort(Comparator.comparingLong(Event::ts));
        int middle = events.size() / 2;

        DosDetector.State state = DosDetector.State.EMPTY;
        for (Event e : events.subList(0, middle)) {
            state = detector.onEvent(state, e).state();
        }
        assertThat(state.life().open()).isNotNull();
        assertThat(state.clients()).isNotEmpty();
        String json = EventCodec.mapper().writeValueAsString(state);
        DosDetector.State restored = EventCodec.mapper().readValue(json, DosDetector.State.class);

        assertThat(restored).isEqualTo(state);
        assertThat(feedFrom(restored, events.subList(middle, events.size())))
                .isEqualTo(feedFrom(state, events.subList(middle, events.size())));
        assertThat(EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsString(DosDetector.State.EMPTY),
                DosDetector.State.class)).isEqualTo(DosDetector.State.EMPTY);
    }

    // --- helpers -------------------------------------------------------------------------------

    private List<Alert> feed(List<Event> events) {
        List<Event> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(Event::ts));
        return feedFrom(DosDetector.State.EMPTY, ordered);
    }

    private List<Alert> feedFrom(DosDetector.State state, List<Event> events) {
        List<Alert> alerts = new ArrayList<>();
        for (Event e : events) {
            var step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
        }
        return alerts;
    }

    /** A captured mod_evasive file through the parser and the edge aggregation, as the collector sends it. */
    private static List<Event> evasive(String file) {
        List<Event> parsed = new ArrayList<>();
        for (String line : CapturedStatus.read("evasive/" + file).split("\n")) {
            parsed.add(parsed(line));
        }
        return new DenialAggregation().apply(parsed);
    }

    private static Event parsed(String line) {
        ParseResult result = EVASIVE.parse(HOST, line);
        assertThat(result).as(line).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).event();
    }

    private static final Pattern ACCESS = Pattern.compile("(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"([^\"]*)\".*");
    private static final DateTimeFormatter ACCESS_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

    /**
     * Status polls every 2 s over a captured run, built from its access log since that run read no
     * status page: the rate is the lines logged since the previous poll, and the worker table holds
     * one row per client that was logged in the second before the poll (each client of the capture
     * sent one request at a time, so it held one worker).
     */
    private static List<Event> accessLogPolls(String file, long from, long to) {
        record Line(long ts, String client, String request) {}
        List<Line> lines = new ArrayList<>();
        for (String text : CapturedStatus.read("evasive/" + file).split("\n")) {
            Matcher m = ACCESS.matcher(text);
            if (m.matches()) {
                // the log says the second a request began; count it once that second is over
                long ts = ZonedDateTime.parse(m.group(2), ACCESS_TIME).toInstant().toEpochMilli() + 999;
                lines.add(new Line(ts, m.group(1), m.group(3)));
            }
        }
        List<Event> polls = new ArrayList<>();
        long previous = -1;
        for (long ts = from; ts <= to; ts += 2_000) {
            long since = previous;
            long now = ts;
            Map<String, WorkerRequest> workers = new LinkedHashMap<>();
            lines.stream().filter(l -> l.ts() > now - 2_000 && l.ts() <= now)
                    .forEach(l -> workers.put(l.client(), new WorkerRequest(l.client(), "127.0.1.1:80", l.request(), "W", 0L)));
            long requests = lines.stream().filter(l -> l.ts() > since && l.ts() <= now).count();
            polls.add(new ApacheStatus(HOST, "apache-status", ts, Schema.VERSION, "http://127.0.0.1/server-status", true,
                    null, null, null, since < 0 ? null : requests * 1000.0 / (now - since), null, null, Map.of(),
                    List.copyOf(workers.values())));
            previous = ts;
        }
        return polls;
    }

    /** Polls of a host with nothing going on, every 5 s for {@code seconds}. */
    private static List<Event> quietPolls(long from, int seconds) {
        List<Event> polls = new ArrayList<>();
        for (long ts = from; ts <= from + seconds * 1000L; ts += 5_000) {
            polls.add(new ApacheStatus(HOST, "apache-status", ts, Schema.VERSION, "http://127.0.0.1/server-status", true,
                    null, null, null, 0.0, 1, 149, Map.of(), List.of()));
        }
        return polls;
    }

    private static List<Event> normalTraffic(int fromSecond, int toSecond) {
        List<Event> events = new ArrayList<>();
        for (int s = fromSecond; s < toSecond; s += 5) {
            events.add(status(s, 50, 5, List.of(
                    new WorkerRequest("192.0.2.10", "www.example.com:443", "GET / HTTP/2.0", "W", 0L),
                    new WorkerRequest("192.0.2.11", "www.example.com:443", "GET /shop HTTP/2.0", "W", 0L))));
        }
        return events;
    }

    /** A poll on a 150-slot scoreboard. */
    private static ApacheStatus status(int second, double rate, int busy, List<WorkerRequest> workers) {
        return new ApacheStatus("web1", "apache-status", second * 1000L, Schema.VERSION, "http://localhost/server-status",
                true, null, 100L + second, null, rate, busy, 150 - busy, Map.of("sending", busy, "waiting", 150 - busy),
                workers);
    }

    /** One address holding {@code n} workers next to two visitors holding one each. */
    private static List<WorkerRequest> crowd(String client, int n, String path) {
        List<WorkerRequest> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new WorkerRequest(client, "www.example.com:443", "POST " + path + " HTTP/1.1", "W", 0L));
        }
        rows.add(new WorkerRequest("192.0.2.10", "www.example.com:443", "GET / HTTP/2.0", "W", 0L));
        rows.add(new WorkerRequest("192.0.2.11", "www.example.com:443", "GET /shop HTTP/2.0", "W", 0L));
        return rows;
    }

    private static List<String> clients(Incident incident) {
        return incident.culprits().stream().filter(c -> c.role().equals("client")).map(Culprit::name).toList();
    }

    private static List<String> urls(Incident incident) {
        return incident.culprits().stream().filter(c -> c.role().equals("url")).map(Culprit::name).toList();
    }

    private static Culprit culprit(Incident incident, String name) {
        return incident.culprits().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
