package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.EventCodec;
import dev.culprit.storage.IncidentId;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Alerts as the operator's terminal shows them: one line that fits the terminal's width with when,
 * what state, which incident (its short id) on which host, why it ended and the summary, then,
 * indented, whom it blames and what it is linked to, cut to the width too ({@code culprit query
 * incident ID} shows everything). Colour marks the state only, and only on a terminal without
 * {@code NO_COLOR} ({@link Terminal}); host text is escaped ({@link TerminalText}).
 */
public final class ConsoleAlerts implements Consumer<Alert> {

    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final String DETAIL_INDENT = "    ";
    /** Below this a marked alert keeps its width rather than become unreadable. */
    private static final int MARKED_MIN_WIDTH = 40;

    private final PrintStream out;
    private final Terminal terminal;
    private final AtomicLong printed = new AtomicLong();

    /**
     * @param onTerminal whether {@code out} is a terminal: its width and colour are then taken from it
     */
    public ConsoleAlerts(PrintStream out, boolean onTerminal) {
        this(out, Terminal.of(System.getenv(), onTerminal));
    }

    ConsoleAlerts(PrintStream out, Terminal terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void accept(Alert alert) {
        print(format(alert, terminal, LocalDate.now(ZoneId.systemDefault())));
    }

    /** The alert led by {@code mark} (e.g. "[replay]"), its lines still within the terminal's width. */
    void accept(Alert alert, String mark) {
        Terminal narrower = new Terminal(Math.max(MARKED_MIN_WIDTH, terminal.width() - mark.length() - 1), terminal.colour());
        print(mark + " " + format(alert, narrower, LocalDate.now(ZoneId.systemDefault())));
    }

    private void print(String lines) {
        out.println(lines);
        out.flush();
        printed.incrementAndGet();
    }

    public long printed() {
        return printed.get();
    }

    /**
     * <pre>
     * 21:30:11  RESOLVED  iowait  warning   3f9c0a1b  web1  [host sent nothing for 1m] I/O wait on web1: iowait up to 40.0%, ...
     *     culprits: process 4211 dd, disk vda (4211 dd: write=80.0MB/s; vda: ...)  related: 9a8b7c6d
     * </pre>
     * The time of day alone when the alert is from {@code today}, with its date otherwise; no second
     * line when there is nothing to say on it.
     */
    static String format(Alert alert, Terminal terminal, LocalDate today) {
        var i = alert.incident();
        Instant at = Instant.ofEpochMilli(alert.ts());
        String time = LocalDate.ofInstant(at, ZoneId.systemDefault()).equals(today) ? TIME_OF_DAY.format(at) : DATE_TIME.format(at);
        String state = alert.state().name();
        String head = String.format(Locale.ROOT, "%s  %-8s  %-6s  %-8s  %s  %s  %s", time, state,
                EventCodec.mapper().convertValue(i.kind(), String.class),
                EventCodec.mapper().convertValue(i.severity(), String.class), IncidentId.of(i.id()),
                TerminalText.printable(i.host()),
                (i.resolution() == null ? "" : "[" + TerminalText.printable(i.resolution()) + "] ") + TerminalText.printable(i.summary()));
        String line = Terminal.cut(head, terminal.width());
        if (terminal.colour() && Terminal.length(line) >= time.length() + 2 + state.length()) {
            int at0 = time.length() + 2;
            line = line.substring(0, at0) + colour(alert.state()) + state + "\u001b[0m" + line.substring(at0 + state.length());
        }
        List<String> details = new ArrayList<>();
        if (!i.culprits().isEmpty()) {
            // names first, so that a narrow terminal cuts figures, not whom the alert blames
            List<Culprit> shown = i.culprits().stream().limit(3).toList();
            String names = shown.stream().map(c -> TerminalText.printable(c.role()) + " " + TerminalText.printable(c.name()))
                    .collect(Collectors.joining(", "));
            String figures = shown.stream().filter(c -> !evidence(c).isEmpty())
                    .map(c -> TerminalText.printable(c.name()) + ": " + evidence(c)).collect(Collectors.joining("; "));
            details.add("culprits: " + names + (i.culprits().size() > shown.size() ? ", +" + (i.culprits().size() - shown.size()) + " more" : "")
                    + (figures.isEmpty() ? "" : " (" + figures + ")"));
        }
        if (!i.related().isEmpty()) {
            details.add("related: " + i.related().stream().map(IncidentId::of).collect(Collectors.joining(", ")));
        }
        if (details.isEmpty()) {
            return line;
        }
        return line + System.lineSeparator() + Terminal.cut(DETAIL_INDENT + String.join("  ", details), terminal.width());
    }

    private static String colour(Alert.State state) {
        return switch (state) {
            case FIRING -> "\u001b[31m";
            case UPDATE -> "\u001b[33m";
            case RESOLVED -> "\u001b[32m";
        };
    }

    /** Byte rates the way iotop shows them; everything else with one decimal. */
    private static String figure(String name, double value) {
        if (name.endsWith("BytesPerSec")) {
            return value >= 1 << 20 ? String.format(Locale.ROOT, "%.1fMB/s", value / (1 << 20))
                    : String.format(Locale.ROOT, "%.1fkB/s", value / 1024);
        }
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** Up to four of the culprit's figures that are not zero. */
    private static String evidence(Culprit c) {
        return c.evidence().entrySet().stream()
                .filter(e -> e.getValue() != 0)
                .limit(4)
                .map(e -> TerminalText.printable(e.getKey().replace("BytesPerSec", "")) + "=" + figure(e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "));
    }
}
