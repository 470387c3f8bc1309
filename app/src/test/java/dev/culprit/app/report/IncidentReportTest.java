package dev.culprit.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.AccessTally;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.EvasiveEvent;
import dev.culprit.events.Event;
import dev.culprit.events.PhpMail;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentSummary;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IncidentReportTest {

    /** Markup, both quotes, an ANSI colour, a newline and a bidi override: what a host may send as a name. */
    private static final String HOSTILE = "<script>alert(1)</script>\"'\u001b[31m\n\u202Eevil";
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long T0 = 1_750_000_000_000L;

    @Test
    void hostileTextIsEscapedForContentAndAttributesAlike() {
        String escaped = Html.escape(HOSTILE);
        assertThat(escaped).doesNotContain("<", ">", "\"", "'", "\u001b", "\n", "\u202E")
                .isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;\\x1b[31m\\x0a\\u202eevil");
        assertThat(Html.escape("a & b")).isEqualTo("a &amp; b");
    }

    @Test
    void aTimelineKeepsEachSeriesExactFiguresAndDrawsThemInsideTheChart() {
        TimelineChart chart = new TimelineChart("cpu", "CPU", "%", T0, T0 + 60_000,
                List.of(new TimelineChart.Series(HOSTILE, List.of(new TimelineChart.Point(T0, 0.1 + 0.2),
                        new TimelineChart.Point(T0 + 30_000, 42.5), new TimelineChart.Point(T0 + 60_000, 0)))),
                List.of(new TimelineChart.Threshold("iowaitPct", 20), new TimelineChart.Threshold("pressureSomePct", 20)), T0 + 10_000, null);
        String svg = chart.svg(UTC);
        assertThat(attribute(svg, "data-ts")).isEqualTo(T0 + " " + (T0 + 30_000) + " " + (T0 + 60_000));
        assertThat(attribute(svg, "data-values")).isEqualTo("0.30000000000000004 42.5 0.0");
        assertThat(svg).contains("data-series=\"" + Html.escape(HOSTILE) + "\"").doesNotContain("<script")
                .contains("data-end=\"open\"").contains(">iowaitPct, pressureSomePct 20</text>");
        for (String point : attribute(svg, "points").split(" ")) {
            double x = Double.parseDouble(point.split(",")[0]);
            double y = Double.parseDouble(point.split(",")[1]);
            assertThat(x).isBetween(0.0, (double) TimelineChart.WIDTH);
            assertThat(y).isBetween(0.0, (double) TimelineChart.HEIGHT);
        }
        assertThat(chart.y(42.5)).as("the highest point is below the top").isGreaterThan(chart.y(chart.top()));
        assertThat(valueTicks(svg)).as("the value axis' labels").containsExactly("0", "10", "20", "30", "40", "50");
        TimelineChart await = new TimelineChart("await", "Disk await", "ms", T0, T0 + 60_000,
                List.of(new TimelineChart.Series("await", List.of(new TimelineChart.Point(T0, 75.3)))),
                List.of(new TimelineChart.Threshold("diskAwaitMs", 50)), T0, T0 + 1_000);
        assertThat(valueTicks(await.svg(UTC))).containsExactly("0", "20", "40", "60", "80");
        TimelineChart fraction = new TimelineChart("share", "Busy share", "", T0, T0 + 60_000,
                List.of(new TimelineChart.Series("busy", List.of(new TimelineChart.Point(T0, 0.93)))), List.of(), T0, T0 + 1_000);
        assertThat(valueTicks(fraction.svg(UTC))).containsExactly("0", "0.20", "0.40", "0.60", "0.80", "1");
        assertThatThrownBy(() -> new TimelineChart("x", "x", "", T0, T0, List.of(), List.of(), T0, null))
                .hasMessageContaining("must be after from");
    }

    @Test
    void aDosReportSumsRequestsAndDenialsPerSecondFromTheEventsShown() {
        List<Event> events = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            long ts = T0 + s * 1_000;
            events.add(new ApacheStatus("web2", "status", ts, 1, "http://127.0.0.1/server-status", true, null, 100L, 1000L + s,
                    300.0 + s, 15, 5, Map.of(), List.of()));
            events.add(new AccessTally("web2", "access", ts, 1, "/var/log/apache2/access.log", "203.0.113.7", false, "shop",
                    100, 0, 100, 0, 0, 0, 0, 10L * s));
            events.add(new AccessTally("web2", "access", ts, 1, "/var/log/apache2/access.log", "198.51.100.9", false, "shop",
                    20 + s, 0, 20 + s, 0, 0, 0, 0, null));
            events.add(new EvasiveEvent("web2", "evasive", ts + 200, 1, EvasiveEvent.Kind.DENIED, "203.0.113.7", HOSTILE, 30, null,
                    "/var/log/apache2/error.log", 777L + s));
            events.add(new EvasiveEvent("web2", "evasive", ts + 700, 1, EvasiveEvent.Kind.DENIED, "203.0.113.8", "/", 5, null, null, null));
        }
        IncidentDetail dos = detail("dos-1", "dos", "web2", List.of(
                new IncidentDetail.StoredCulprit(0, "client", "203.0.113.7", Map.of("denied", 150.0), Map.of()),
                new IncidentDetail.StoredCulprit(1, "url", HOSTILE, Map.of("denied", 150.0), Map.of("vhost", HOSTILE))));
        String html = IncidentReport.html(new IncidentReport.Input(dos, events, T0 - 60_000, T0 + 60_000, RuleSet.DEFAULT,
                key -> "incident-" + key + ".html"), UTC);

        assertThat(series(html, "access log requests/s")).isEqualTo("120.0 121.0 122.0 123.0 124.0");
        assertThat(series(html, "mod_status requests/s")).isEqualTo("300.0 301.0 302.0 303.0 304.0");
        assertThat(series(html, "denials/s")).isEqualTo("35.0 35.0 35.0 35.0 35.0");
        assertThat(series(html, "busy %")).isEqualTo("75.0 75.0 75.0 75.0 75.0");
        assertThat(html).contains("data-threshold=\"deniedPerSec\" data-value=\"20.0\"")
                .contains("data-chart=\"culprits-client\"").contains("data-chart=\"culprits-url\"")
                .contains("/var/log/apache2/error.log</td><td>777</td>");
        assertNoMarkupFromTheHost(html);
    }

    @Test
    void aMailReportCountsEachScriptsMailsPerMinute() {
        List<Event> events = new ArrayList<>();
        for (int n = 0; n < 7; n++) {
            events.add(new PhpMail("web1", "phpmail", T0 + n * 20_000, 1, HOSTILE, 3, PhpMail.Origin.FILE, List.of("x@example.org"),
                    HOSTILE, "/var/log/php/mail.log", 100L * n));
        }
        IncidentDetail mail = detail("mail-1", "mail", "web1",
                List.of(new IncidentDetail.StoredCulprit(0, "script", HOSTILE, Map.of("mails", 7.0), Map.of())));
        String html = IncidentReport.html(new IncidentReport.Input(mail, events, T0 - 60_000, T0 + 200_000, RuleSet.DEFAULT,
                key -> "incident-" + key + ".html"), UTC);
        long minute = Math.floorDiv(T0, 60_000) * 60_000;
        Matcher ts = Pattern.compile("data-series=\"" + Pattern.quote(Html.escape(HOSTILE)) + "\" data-ts=\"([^\"]*)\"").matcher(html);
        assertThat(ts.find()).isTrue();
        assertThat(ts.group(1).split(" ")[0]).isEqualTo(String.valueOf(minute));
        assertThat(series(html, Html.escape(HOSTILE)).split(" ").length).isBetween(2, 4);
        assertThat(series(html, Html.escape(HOSTILE)).split(" ")).extracting(Double::parseDouble)
                .satisfies(counts -> assertThat(counts.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(7.0));
        assertThat(html).contains("data-threshold=\"mailsPerMinute\" data-value=\"30.0\"").contains("data-value=\"7.0\"");
        assertNoMarkupFromTheHost(html);
    }

    @Test
    void aClockIncidentSaysItHasNoSignalAndAnUnknownLinkIsNotALink() {
        IncidentDetail clock = new IncidentDetail(new IncidentSummary("clock-1", "clock", "warning", "web3", "clock", T0, null, null,
                "clock 90 s ahead", "clock", "web3 clock"), List.of(), List.of(),
                List.of(new IncidentDetail.LinkedIncident("gone", null, null, null, null, null)));
        String html = IncidentReport.html(new IncidentReport.Input(clock, List.of(), T0 - 1, T0 + 1, RuleSet.DEFAULT, key -> key), UTC);
        assertThat(html).contains("has no signal to draw").contains("(its alert is not stored)").doesNotContain("<a href")
                .contains("content=\"" + IncidentReport.CONTENT_SECURITY_POLICY + "\"");
    }

    private static IncidentDetail detail(String id, String kind, String host, List<IncidentDetail.StoredCulprit> culprits) {
        return new IncidentDetail(new IncidentSummary(id, kind, "critical", host, kind, T0, T0 + 4_000, "condition cleared", HOSTILE,
                culprits.get(0).role(), culprits.get(0).name()), culprits,
                List.of(new IncidentDetail.TimelineEntry("firing", T0, "critical", HOSTILE)), List.of());
    }

    /** The only elements in the page are Culprit's own: every {@code <} the host sent arrives escaped. */
    private static void assertNoMarkupFromTheHost(String html) {
        assertThat(html).doesNotContain("<script").doesNotContain("\u001b").contains("&lt;script&gt;alert(1)");
    }

    private static String series(String html, String escapedName) {
        Matcher m = Pattern.compile("data-series=\"" + Pattern.quote(escapedName) + "\" data-ts=\"[^\"]*\" data-values=\"([^\"]*)\"")
                .matcher(html);
        assertThat(m.find()).as("series " + escapedName).isTrue();
        return m.group(1);
    }

    private static String attribute(String svg, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(svg);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }

    /** The value axis' labels of a chart, bottom to top. */
    private static List<String> valueTicks(String svg) {
        return java.util.regex.Pattern.compile("<text class=\"tick\" x=\"52\" y=\"[0-9.]+\" text-anchor=\"end\">([^<]*)</text>")
                .matcher(svg).results().map(m -> m.group(1)).toList();
    }
}
