package dev.culprit.app.report;

import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.FromLogLine;
import dev.culprit.events.text.Durations;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.IncidentDetail;
import dev.culprit.storage.IncidentSummary;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * One incident as a self-contained HTML page: its summary and rule, the signal that fired over
 * time with the thresholds and the incident's span marked, its culprits ranked as bar charts, the
 * incidents linked to it, and the raw events it was judged on, each with the file and offset it
 * was read from. No script, no external asset: it works offline and from a file, and its own
 * Content-Security-Policy forbids anything else should an escape ever be missed.
 */
public final class IncidentReport {

    /** How much of the host's events before the start and after the end the timeline shows. */
    public static final long MARGIN_MS = 120_000;
    /** The most events a report reads: a DoS burst makes a few per attacker and second. */
    public static final int MOST_EVENTS = 20_000;
    /** The most events the raw evidence lists; all that were read are plotted. */
    static final int MOST_LISTED = 500;

    /** The page's own policy: its inline style and nothing else; no script at all. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    /**
     * What a report is made of.
     *
     * @param events the host's events in [{@link #from}, {@link #to}), in time order; {@link #MOST_EVENTS} at most
     * @param rules the rules loaded now, whose thresholds are shown and drawn
     * @param incidentHref where a linked incident's report is, by its key
     */
    public record Input(IncidentDetail detail, List<Event> events, long from, long to, RuleSet rules,
                        Function<String, String> incidentHref) {
        public Input {
            events = List.copyOf(events);
        }
    }

    /** The stretch of the host's events a report shows: {@code from <= ts < to}. */
    public record Window(long from, long to) {

        /** The incident's span with {@link #MARGIN_MS} either side; an open incident's runs to {@code nowMs}. */
        public static Window around(IncidentSummary incident, long nowMs) {
            long end = incident.end() != null ? incident.end() : Math.max(nowMs, incident.start());
            return new Window(incident.start() - MARGIN_MS, end + MARGIN_MS);
        }
    }

    private IncidentReport() {}

    public static String html(Input input, ZoneId zone) {
        IncidentDetail d = input.detail();
        IncidentSummary i = d.incident();
        RuleThresholds rule = RuleThresholds.of(i.kind(), input.rules());
        StringBuilder h = new StringBuilder(64 * 1024);
        String title = "Incident " + i.shortId() + ": " + i.kind() + " on " + i.host();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape(title)).append("</title><style>").append(Theme.CSS).append("</style></head>\n<body>");
        h.append("<header><h1>Incident <span class=\"id\">").append(Html.escape(i.shortId())).append("</span> ")
                .append(Html.escape(i.kind())).append(" on ").append(Html.escape(i.host())).append("</h1>")
                .append("<p><span class=\"badge ").append(Html.escape(i.severity())).append("\">").append(Html.escape(i.severity()))
                .append("</span> <span class=\"badge ").append(i.open() ? "open\">open" : "resolved\">resolved").append("</span> ")
                .append(Html.escape(i.summary() == null ? "" : i.summary())).append("</p></header>\n");
        summary(h, i, rule, zone);
        timeline(h, input, rule, zone);
        culprits(h, d);
        linked(h, input, zone);
        evidence(h, input, zone);
        h.append("<footer>Made by <code>culprit report</code> from the incident history; figures are the stored events' own.</footer>");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, IncidentSummary i, RuleThresholds rule, ZoneId zone) {
        h.append("<section id=\"summary\"><h2>Summary</h2><dl>");
        row(h, "kind", i.kind());
        row(h, "host", i.host());
        row(h, "severity", i.severity());
        row(h, "start", Html.time(i.start(), zone));
        row(h, "end", i.end() == null ? "open" : Html.time(i.end(), zone)
                + (i.resolution() == null ? "" : " (" + i.resolution() + ")"));
        if (i.end() != null) {
            row(h, "lasted", Durations.of(i.end() - i.start()));
        }
        row(h, "key", i.id());
        row(h, "rule", i.rule());
        h.append("</dl>");
        if (rule.name() != null) {
            h.append("<h3>Thresholds of the loaded rule <code>").append(Html.escape(rule.name())).append("</code></h3>");
            if (!rule.name().equals(i.rule())) {
                h.append("<p class=\"note\">The incident was fired by rule <code>").append(Html.escape(i.rule()))
                        .append("</code>; the rule loaded now for this kind is named otherwise, and its limits may differ.</p>");
            }
            h.append("<table class=\"thresholds\"><tbody>");
            rule.limits().forEach((k, v) -> h.append("<tr><th>").append(Html.escape(k)).append("</th><td>")
                    .append(Html.figure(v)).append("</td></tr>"));
            rule.timing().forEach((k, v) -> h.append("<tr><th>").append(Html.escape(k)).append("</th><td>")
                    .append(Html.escape(v)).append("</td></tr>"));
            h.append("</tbody></table>");
        }
        h.append("</section>\n");
    }

    private static void timeline(StringBuilder h, Input input, RuleThresholds rule, ZoneId zone) {
        IncidentDetail d = input.detail();
        h.append("<section id=\"timeline\"><h2>Timeline</h2>");
        List<TimelineChart> charts = IncidentSignals.charts(d, input.events(), rule, input.from(), input.to());
        if (charts.isEmpty()) {
            h.append("<p class=\"note\">A ").append(Html.escape(d.incident().kind()))
                    .append(" incident has no signal to draw; its figures are its culprits' evidence below.</p>");
        }
        if (input.events().size() >= MOST_EVENTS) {
            h.append("<p class=\"note\">Only the first ").append(MOST_EVENTS).append(" events of the host from ")
                    .append(Html.escape(Html.time(input.from(), zone))).append(" are drawn; `culprit capture` gives them all.</p>");
        }
        for (TimelineChart chart : charts) {
            h.append("<figure><figcaption>").append(Html.escape(chart.title())).append("</figcaption>").append(chart.svg(zone));
            h.append("<ul class=\"legend\">");
            for (int n = 0; n < chart.series().size(); n++) {
                TimelineChart.Series s = chart.series().get(n);
                h.append("<li><span class=\"swatch s").append(n % 6).append("\"></span>").append(Html.escape(s.name()))
                        .append(s.points().isEmpty() ? " (no events)" : "").append("</li>");
            }
            h.append("<li><span class=\"swatch threshold\"></span>threshold</li><li><span class=\"swatch span\"></span>incident</li></ul>");
            h.append("</figure>");
        }
        h.append("<h3>Alerts</h3><table class=\"alerts\"><thead><tr><th>time</th><th>state</th><th>severity</th><th>summary</th></tr></thead><tbody>");
        for (IncidentDetail.TimelineEntry t : d.timeline()) {
            h.append("<tr><td>").append(Html.escape(Html.time(t.ts(), zone))).append("</td><td>").append(Html.escape(t.state()))
                    .append("</td><td>").append(Html.escape(t.severity())).append("</td><td>")
                    .append(Html.escape(t.summary() == null ? "" : t.summary())).append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    /** What each role's culprits are ranked by in their bar chart. */
    private record Ranking(String role, String title, ToDoubleFunction<Map<String, Double>> figure, DoubleFunction<String> format) {}

    private static final List<Ranking> RANKINGS = List.of(
            new Ranking("process", "Read + write bytes/s per process",
                    e -> e.getOrDefault("readBytesPerSec", 0.0) + e.getOrDefault("writeBytesPerSec", 0.0), IncidentReport::bytesPerSecond),
            new Ranking("client", "Denials per client address", e -> e.getOrDefault("denied", 0.0), v -> Html.figure(v) + " denied"),
            new Ranking("url", "Denials per URL", e -> e.getOrDefault("denied", 0.0), v -> Html.figure(v) + " denied"),
            new Ranking("script", "Mails per script", e -> e.getOrDefault("mails", 0.0), v -> Html.figure(v) + " mails"));

    private static void culprits(StringBuilder h, IncidentDetail d) {
        h.append("<section id=\"culprits\"><h2>Culprits</h2>");
        if (d.culprits().isEmpty()) {
            h.append("<p class=\"note\">None named.</p>");
        }
        for (Ranking ranking : RANKINGS) {
            List<BarChart.Bar> bars = new ArrayList<>(d.culprits().stream().filter(c -> c.role().equals(ranking.role()))
                    .map(c -> new BarChart.Bar(c.name(), ranking.figure().applyAsDouble(c.evidence()))).toList());
            if (!bars.isEmpty()) {
                bars.sort(Comparator.comparingDouble(BarChart.Bar::value).reversed());
                h.append("<figure><figcaption>").append(Html.escape(ranking.title())).append("</figcaption>")
                        .append(new BarChart("culprits-" + ranking.role(), ranking.title(), bars, ranking.format()).svg()).append("</figure>");
            }
        }
        h.append("<ol class=\"culprits\">");
        for (IncidentDetail.StoredCulprit c : d.culprits()) {
            h.append("<li class=\"culprit\" data-role=\"").append(Html.escape(c.role())).append("\" data-name=\"").append(Html.escape(c.name()))
                    .append("\"><span class=\"role\">").append(Html.escape(c.role())).append("</span> <span class=\"name\">")
                    .append(Html.escape(c.name())).append("</span><table class=\"evidence\"><tbody>");
            c.evidence().forEach((k, v) -> h.append("<tr><th>").append(Html.escape(k)).append("</th><td data-value=\"")
                    .append(Html.exact(v)).append("\">").append(Html.figure(v)).append("</td></tr>"));
            c.details().forEach((k, v) -> h.append("<tr><th>").append(Html.escape(k)).append("</th><td>").append(Html.escape(v))
                    .append("</td></tr>"));
            h.append("</tbody></table></li>");
        }
        h.append("</ol></section>\n");
    }

    private static void linked(StringBuilder h, Input input, ZoneId zone) {
        h.append("<section id=\"linked\"><h2>Linked incidents</h2>");
        if (input.detail().linked().isEmpty()) {
            h.append("<p class=\"note\">None: no incident on this host overlapped this one.</p>");
        } else {
            h.append("<ul>");
            for (IncidentDetail.LinkedIncident l : input.detail().linked()) {
                h.append("<li>");
                if (l.known()) {
                    h.append("<a href=\"").append(Html.escape(input.incidentHref().apply(l.id()))).append("\">")
                            .append(Html.escape(l.shortId())).append("</a> ").append(Html.escape(l.kind())).append(" on ")
                            .append(Html.escape(l.host())).append(", from ").append(Html.escape(Html.time(l.start(), zone)))
                            .append(l.end() == null ? " (open)" : " to " + Html.escape(Html.time(l.end(), zone))).append(": ")
                            .append(Html.escape(l.summary() == null ? "" : l.summary()));
                } else {
                    h.append(Html.escape(l.shortId())).append(" (its alert is not stored)");
                }
                h.append("</li>");
            }
            h.append("</ul>");
        }
        h.append("</section>\n");
    }

    private static void evidence(StringBuilder h, Input input, ZoneId zone) {
        List<Event> events = input.events();
        h.append("<section id=\"evidence\"><h2>Raw evidence</h2><p>").append(events.size())
                .append(" event(s) of ").append(Html.escape(input.detail().incident().host())).append(" from ")
                .append(Html.escape(Html.time(input.from(), zone))).append(" to ").append(Html.escape(Html.time(input.to(), zone)));
        if (events.size() > MOST_LISTED) {
            h.append("; the first ").append(MOST_LISTED).append(" are listed");
        }
        h.append(".</p><table class=\"events\"><thead><tr><th>time</th><th>event</th><th>file</th><th>offset</th><th>as stored</th></tr></thead><tbody>");
        for (Event e : events.subList(0, Math.min(MOST_LISTED, events.size()))) {
            String file = e instanceof FromLogLine line && line.file() != null ? line.file() : null;
            Long offset = e instanceof FromLogLine line ? line.offset() : null;
            h.append("<tr><td>").append(Html.escape(Html.time(e.ts(), zone))).append("</td><td>").append(e.getClass().getSimpleName())
                    .append("</td><td>").append(file == null ? "<span class=\"note\">" + Html.escape(e.source()) + "</span>" : Html.escape(file))
                    .append("</td><td>").append(offset == null ? "" : offset).append("</td><td><code>")
                    .append(Html.escape(EventCodec.encodeToString(e))).append("</code></td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<dt>").append(Html.escape(name)).append("</dt><dd>").append(Html.escape(value == null ? "" : value)).append("</dd>");
    }

    static String bytesPerSecond(double v) {
        String[] units = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
        int unit = 0;
        while (Math.abs(v) >= 1000 && unit < units.length - 1) {
            v /= 1000;
            unit++;
        }
        return Html.figure(v) + " " + units[unit];
    }
}
