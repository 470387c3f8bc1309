package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** One readable line per alert; colour only on a terminal; host text escaped ({@link TerminalText}). */
public final class ConsoleAlerts implements Consumer<Alert> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintStream out;
    private final boolean colour;
    private final AtomicLong printed = new AtomicLong();

    public ConsoleAlerts(PrintStream out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    @Override
    public void accept(Alert alert) {
        out.println(format(alert, colour));
        out.flush();
        printed.incrementAndGet();
    }

    public long printed() {
        return printed.get();
    }

    /**
     * {@code 2026-11-29 21:30:11  RESOLVED  iowait  warning   web1  I/O wait on web1: ... [host sent nothing for 1m]  culprits: ...  (incident ...)}:
     * a resolved alert says why it ended.
     */
    public static String format(Alert alert, boolean colour) {
        var i = alert.incident();
        String culprits = i.culprits().isEmpty() ? "" : "  culprits: " + i.culprits().stream()
                .limit(3).map(ConsoleAlerts::describe).collect(Collectors.joining("; "));
        String related = i.related().isEmpty() ? "" : "  related: " + TerminalText.printable(String.join(", ", i.related()));
        String ended = i.resolution() == null ? "" : " [" + TerminalText.printable(i.resolution()) + "]";
        String line = String.format(Locale.ROOT, "%s  %-8s  %-6s  %-8s  %s  %s%s%s  (incident %s)%s",
                TIME.format(Instant.ofEpochMilli(alert.ts())), alert.state().name(),
                EventCodec.mapper().convertValue(i.kind(), String.class),
                EventCodec.mapper().convertValue(i.severity(), String.class),
                TerminalText.printable(i.host()), TerminalText.printable(i.summary()), ended, culprits,
                TerminalText.printable(i.id()), related);
        if (!colour) {
            return line;
        }
        String ansi = switch (alert.state()) {
            case FIRING -> "\u001b[31m";
            case UPDATE -> "\u001b[33m";
            case RESOLVED -> "\u001b[32m";
        };
        return ansi + line + "\u001b[0m";
    }

    /** Byte rates the way iotop shows them; everything else with one decimal. */
    private static String figure(String name, double value) {
        if (name.endsWith("BytesPerSec")) {
            return value >= 1 << 20 ? String.format(Locale.ROOT, "%.1fMB/s", value / (1 << 20))
                    : String.format(Locale.ROOT, "%.1fkB/s", value / 1024);
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String describe(Culprit c) {
        String evidence = c.evidence().entrySet().stream()
                .filter(e -> e.getValue() != 0)
                .limit(4)
                .map(e -> TerminalText.printable(e.getKey().replace("BytesPerSec", "")) + "=" + figure(e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "));
        return TerminalText.printable(c.role()) + " " + TerminalText.printable(c.name()) + (evidence.isEmpty() ? "" : " (" + evidence + ")");
    }
}
