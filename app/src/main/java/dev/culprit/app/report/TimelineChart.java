package dev.culprit.app.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One signal over time as plain SVG: a line per series, the rule's thresholds as dashed lines, the
 * incident's span as a band. Every series carries its figures exactly as the events had them in
 * {@code data-ts} and {@code data-values}, so a test (or a curious operator) can check the plot
 * against the stored events; the drawn coordinates are only their picture. Colours come from CSS
 * classes the page defines for its light and dark themes.
 *
 * @param id names the chart in {@code data-chart}
 * @param from the left edge, epoch millis
 * @param to the right edge, after {@code from}
 * @param spanEnd null while the incident is open: the band reaches the right edge
 */
public record TimelineChart(String id, String title, String unit, long from, long to, List<Series> series,
                            List<Threshold> thresholds, long spanStart, Long spanEnd) {

    /** A named line; points in time order. */
    public record Series(String name, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    public record Point(long ts, double value) {}

    /** A rule's limit on this signal, by the rule's own key (e.g. {@code iowaitPct}). */
    public record Threshold(String key, double value) {}

    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 14;
    private static final int BOTTOM = 28;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    public TimelineChart {
        if (to <= from) {
            throw new IllegalArgumentException("chart " + id + ": to (" + to + ") must be after from (" + from + ")");
        }
        series = List.copyOf(series);
        thresholds = List.copyOf(thresholds);
    }

    /**
     * Where the value axis ends: a whole number of {@link #tickStep()}s above the highest figure shown
     * (thresholds included), with some headroom; 1 when all are 0.
     */
    double top() {
        double highest = highest();
        if (highest <= 0) {
            return 1;
        }
        double step = tickStep();
        return Math.ceil(highest * HEADROOM / step) * step;
    }

    /**
     * The value axis' step: 1, 2, 2.5 or 5 times a power of ten, at most five steps to the top, so that
     * its labels are figures one reads at a glance (0, 20, 40, 60, not 0, 13.8, 27.5).
     */
    double tickStep() {
        double highest = highest();
        if (highest <= 0) {
            return 0.25;
        }
        double rough = highest * HEADROOM / 5;
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double nice : new double[] {1, 2, 2.5, 5}) {
            if (nice * power >= rough) {
                return nice * power;
            }
        }
        return 10 * power;
    }

    private static final double HEADROOM = 1.05;

    private double highest() {
        double max = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                max = Math.max(max, p.value());
            }
        }
        for (Threshold t : thresholds) {
            max = Math.max(max, t.value());
        }
        return max;
    }

    double x(long ts) {
        double share = (double) (Math.min(Math.max(ts, from), to) - from) / (to - from);
        return LEFT + share * (WIDTH - LEFT - RIGHT);
    }

    double y(double value) {
        double share = Math.max(0, value) / top();
        return TOP + (1 - share) * (HEIGHT - TOP - BOTTOM);
    }

    public String svg(ZoneId zone) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" data-chart=\"").append(Html.escape(id))
                .append("\" data-unit=\"").append(Html.escape(unit)).append("\" aria-label=\"").append(Html.escape(title)).append("\">");
        svg.append("<title>").append(Html.escape(title)).append("</title>");
        double bandStart = x(spanStart);
        double bandEnd = spanEnd == null ? x(to) : x(spanEnd);
        svg.append("<rect class=\"span\" x=\"").append(n(bandStart)).append("\" y=\"").append(TOP).append("\" width=\"")
                .append(n(Math.max(1, bandEnd - bandStart))).append("\" height=\"").append(HEIGHT - TOP - BOTTOM)
                .append("\" data-start=\"").append(spanStart).append("\" data-end=\"").append(spanEnd == null ? "open" : spanEnd)
                .append("\"><title>incident span</title></rect>");
        axes(svg, zone);
        Map<Double, List<String>> labels = new LinkedHashMap<>();
        for (Threshold t : thresholds) {
            double y = y(t.value());
            svg.append("<line class=\"threshold\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT)
                    .append("\" y1=\"").append(n(y)).append("\" y2=\"").append(n(y)).append("\" data-threshold=\"")
                    .append(Html.escape(t.key())).append("\" data-value=\"").append(Html.exact(t.value())).append("\"/>");
            labels.computeIfAbsent(t.value(), v -> new ArrayList<>()).add(t.key());
        }
        // limits at the same height share one label, which would otherwise be drawn over itself
        labels.forEach((value, keys) -> svg.append("<text class=\"threshold-label\" x=\"").append(WIDTH - RIGHT - 4)
                .append("\" y=\"").append(n(y(value) - 3)).append("\" text-anchor=\"end\">")
                .append(Html.escape(String.join(", ", keys))).append(' ').append(Html.figure(value)).append("</text>"));
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String css = "series s" + (i % 6);
            svg.append("<polyline class=\"").append(css).append("\" fill=\"none\" data-series=\"").append(Html.escape(s.name()))
                    .append("\" data-ts=\"").append(s.points().stream().map(p -> String.valueOf(p.ts())).collect(Collectors.joining(" ")))
                    .append("\" data-values=\"").append(s.points().stream().map(p -> Html.exact(p.value())).collect(Collectors.joining(" ")))
                    .append("\" points=\"").append(s.points().stream().map(p -> n(x(p.ts())) + "," + n(y(p.value())))
                            .collect(Collectors.joining(" ")))
                    .append("\"/>");
            if (s.points().size() == 1) {
                // a line of one point draws nothing
                Point p = s.points().get(0);
                svg.append("<circle class=\"").append(css).append("\" r=\"2.5\" cx=\"").append(n(x(p.ts()))).append("\" cy=\"")
                        .append(n(y(p.value()))).append("\"/>");
            }
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private void axes(StringBuilder svg, ZoneId zone) {
        int bottom = HEIGHT - BOTTOM;
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                .append(bottom).append("\" y2=\"").append(bottom).append("\"/>");
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(bottom).append("\"/>");
        double step = tickStep();
        long steps = Math.round(top() / step);
        for (long tick = 0; tick <= steps; tick++) {
            double value = step * tick;
            double y = y(value);
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(n(y)).append("\" y2=\"").append(n(y)).append("\"/>");
            svg.append("<text class=\"tick\" x=\"").append(LEFT - 4).append("\" y=\"").append(n(y + 4)).append("\" text-anchor=\"end\">")
                    .append(Html.figure(value)).append("</text>");
        }
        for (int tick = 0; tick <= 4; tick++) {
            long ts = from + (to - from) * tick / 4;
            svg.append("<text class=\"tick\" x=\"").append(n(x(ts))).append("\" y=\"").append(HEIGHT - 10)
                    .append("\" text-anchor=\"").append(tick == 0 ? "start" : tick == 4 ? "end" : "middle").append("\">")
                    .append(CLOCK.format(Instant.ofEpochMilli(ts).atZone(zone))).append("</text>");
        }
        svg.append("<text class=\"tick unit\" x=\"4\" y=\"").append(TOP - 2).append("\">").append(Html.escape(unit)).append("</text>");
    }

    /** A coordinate, to a tenth of a pixel. */
    private static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
