package dev.culprit.app.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Culprits side by side as horizontal SVG bars, longest for the largest figure. Labels are what
 * the host reported (a process name, an address, a script path) and are escaped; each bar keeps
 * its exact figure in {@code data-value} and its label in {@code data-label}.
 */
public record BarChart(String id, String title, List<Bar> bars, DoubleFunction<String> format) {

    public record Bar(String label, double value) {}

    private static final int WIDTH = 720;
    private static final int ROW = 22;
    private static final int LABEL = 300;
    private static final int VALUE = 110;
    private static final int MAX_LABEL = 44;

    public BarChart {
        bars = List.copyOf(bars);
    }

    public String svg() {
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
        int height = ROW * bars.size() + 6;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" role=\"img\" data-chart=\"").append(Html.escape(id)).append("\" aria-label=\"").append(Html.escape(title))
                .append("\"><title>").append(Html.escape(title)).append("</title>");
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = 3 + i * ROW;
            double length = max <= 0 ? 0 : Math.max(1, bar.value() / max * (WIDTH - LABEL - VALUE - 8));
            String label = bar.label().length() > MAX_LABEL ? bar.label().substring(0, MAX_LABEL - 1) + "…" : bar.label();
            svg.append("<g class=\"bar\" data-label=\"").append(Html.escape(bar.label())).append("\" data-value=\"")
                    .append(Html.exact(bar.value())).append("\">");
            svg.append("<title>").append(Html.escape(bar.label())).append("</title>");
            svg.append("<text class=\"bar-label\" x=\"").append(LABEL - 6).append("\" y=\"").append(y + 15)
                    .append("\" text-anchor=\"end\">").append(Html.escape(label)).append("</text>");
            svg.append("<rect class=\"series s").append(i == 0 ? 0 : 1).append("\" x=\"").append(LABEL).append("\" y=\"").append(y + 3)
                    .append("\" height=\"").append(ROW - 6).append("\" width=\"").append(String.format(Locale.ROOT, "%.1f", length))
                    .append("\"/>");
            svg.append("<text class=\"bar-value\" x=\"").append(String.format(Locale.ROOT, "%.1f", LABEL + length + 6)).append("\" y=\"")
                    .append(y + 15).append("\">").append(Html.escape(format.apply(bar.value()))).append("</text>");
            svg.append("</g>");
        }
        svg.append("</svg>");
        return svg.toString();
    }
}
