package dev.culprit.rules.clock;

import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Incident;
import dev.culprit.events.IncidentKind;
import dev.culprit.events.Schema;
import dev.culprit.events.Severity;
import dev.culprit.events.text.Durations;
import dev.culprit.rules.Detector;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Flags a host whose clock is far from Culprit's: an incident of kind {@code clock} naming the
 * offset, open while it lasts. Each host's events are judged by the host's own clock whatever this
 * says; the flag is for the operator, whose other incidents from that host carry times that far off.
 *
 * <p>The reference is the time Kafka took each event in (the broker's clock, which does not depend
 * on how far behind the job runs). An event's offset is its own time minus that. Offsets are looked
 * at over windows of {@value #WINDOW_MS} ms of Kafka time:
 * <ul>
 *   <li><b>ahead</b>: every event of a window spanning at least {@value #AHEAD_EVIDENCE_MS} ms is more
 *       than {@value #LIMIT_MS} ms in the future. Nothing in transport makes events arrive before
 *       they happen, so this is a clock running ahead.</li>
 *   <li><b>behind</b>: the newest event of two consecutive windows is more than {@value #LIMIT_MS} ms
 *       in the past, and that lag moved by less than {@value #STEADY_MS} ms from one window to the
 *       next. A spooled backlog is old too, but it ships faster than it happened, so its lag
 *       shrinks window by window; a clock that is behind keeps the same lag.</li>
 *   <li><b>agreeing</b>: the newest event of a window is within {@value #LIMIT_MS} ms; an open flag
 *       resolves.</li>
 * </ul>
 * A host that sends nothing for {@value #SILENT_MS} ms resolves its flag, as other incidents do.
 */
public final class ClockSkewWatch implements Serializable {

    public static final String SOURCE = "clock-watch";
    public static final String RULE = "clock-skew";
    /** How far a host's clock may be from Kafka's without being flagged: well above transport delays and NTP-less drift. */
    public static final long LIMIT_MS = 120_000;
    static final long WINDOW_MS = 15_000;
    static final long AHEAD_EVIDENCE_MS = 5_000;
    static final long STEADY_MS = 3_000;
    public static final long SILENT_MS = 120_000;
    /** An open flag is redrawn when the offset moves by more than this. */
    static final long REDRAW_MS = 60_000;

    /**
     * What the watch knows of one host.
     *
     * @param windowStart Kafka time of the current window's first event; {@code Long.MIN_VALUE} before any
     * @param windowEnd Kafka time of its last event
     * @param minOffset the smallest offset in the window
     * @param maxOffset the largest offset in the window: the newest event's, near enough
     * @param previousMaxOffset the previous window's, if it was the one just before; else null
     * @param open the flag as last sent, null when none is open
     */
    public record State(long windowStart, long windowEnd, long minOffset, long maxOffset, Long previousMaxOffset, Incident open) {
        public static final State NEW = new State(Long.MIN_VALUE, Long.MIN_VALUE, 0, 0, null, null);
    }

    /** One event of {@code host}, made at {@code eventTs} by the host's clock and taken in by Kafka at {@code kafkaTs}. */
    public Detector.Transition<State> onEvent(State state, String host, long eventTs, long kafkaTs) {
        long offset = eventTs - kafkaTs;
        if (state.windowStart() == Long.MIN_VALUE) {
            return new Detector.Transition<>(new State(kafkaTs, kafkaTs, offset, offset, null, state.open()), List.of());
        }
        if (kafkaTs < state.windowStart() + WINDOW_MS) {
            State grown = new State(state.windowStart(), Math.max(state.windowEnd(), kafkaTs), Math.min(state.minOffset(), offset),
                    Math.max(state.maxOffset(), offset), state.previousMaxOffset(), state.open());
            if (grown.open() == null && aheadBy(grown) != null) {
                // a clock ahead is certain as soon as enough of a window shows it
                return flag(grown, host, aheadBy(grown), kafkaTs);
            }
            return new Detector.Transition<>(grown, List.of());
        }
        Detector.Transition<State> judged = judge(state, host, state.windowEnd());
        boolean consecutive = kafkaTs < state.windowStart() + 2 * WINDOW_MS;
        State next = new State(kafkaTs, kafkaTs, offset, offset, consecutive ? state.maxOffset() : null, judged.state().open());
        return new Detector.Transition<>(next, judged.alerts());
    }

    /** Kafka time (as near as the caller knows it) is {@code now}: a host silent long enough has its flag resolved. */
    public Detector.Transition<State> onSilence(State state, String host, long now) {
        if (state.open() == null || now - state.windowEnd() < SILENT_MS) {
            return new Detector.Transition<>(state, List.of());
        }
        return resolve(state, host, now, "host sent nothing for " + Durations.of(SILENT_MS));
    }

    /** Whether {@link #onSilence} can change anything. */
    public boolean wantsSilenceCheck(State state) {
        return state.open() != null;
    }

    private Detector.Transition<State> judge(State window, String host, long now) {
        Long skew = aheadBy(window);
        if (skew == null && window.maxOffset() < -LIMIT_MS && window.previousMaxOffset() != null
                && window.previousMaxOffset() < -LIMIT_MS && Math.abs(window.maxOffset() - window.previousMaxOffset()) < STEADY_MS) {
            skew = window.maxOffset();
        }
        if (skew != null) {
            if (window.open() == null || Math.abs(skew - offsetOf(window.open())) > REDRAW_MS) {
                return flag(window, host, skew, now);
            }
            return new Detector.Transition<>(window, List.of());
        }
        if (window.open() != null && Math.abs(window.maxOffset()) <= LIMIT_MS) {
            return resolve(window, host, now, "clock agrees with Kafka's again");
        }
        return new Detector.Transition<>(window, List.of());
    }

    private static Long aheadBy(State window) {
        boolean ahead = window.minOffset() > LIMIT_MS && window.windowEnd() - window.windowStart() >= AHEAD_EVIDENCE_MS;
        return ahead ? window.maxOffset() : null;
    }

    private Detector.Transition<State> flag(State state, String host, long offset, long now) {
        Alert.State alertState = state.open() == null ? Alert.State.FIRING : Alert.State.UPDATE;
        long start = state.open() == null ? now : state.open().start();
        Incident incident = incident(host, start, null, null, offset);
        State next = new State(state.windowStart(), state.windowEnd(), state.minOffset(), state.maxOffset(),
                state.previousMaxOffset(), incident);
        return new Detector.Transition<>(next, List.of(new Alert(host, SOURCE, now, Schema.VERSION, alertState, incident)));
    }

    private Detector.Transition<State> resolve(State state, String host, long now, String why) {
        Incident shown = state.open();
        Incident resolved = incident(host, shown.start(), Math.max(now, shown.start()), why, offsetOf(shown));
        State next = new State(state.windowStart(), state.windowEnd(), state.minOffset(), state.maxOffset(),
                state.previousMaxOffset(), null);
        return new Detector.Transition<>(next, List.of(new Alert(host, SOURCE, now, Schema.VERSION, Alert.State.RESOLVED, resolved)));
    }

    private static long offsetOf(Incident flag) {
        return Math.round(flag.culprits().get(0).evidence().get("offsetS") * 1000);
    }

    private static Incident incident(String host, long start, Long end, String resolution, long offset) {
        String direction = offset > 0 ? "ahead of" : "behind";
        String summary = host + "'s clock runs " + readable(Math.abs(offset)) + " " + direction
                + " Kafka's: its incidents are judged by its own clock, and their times are that far off";
        Culprit clock = new Culprit("clock", host + " clock", Map.of("offsetS", offset / 1000.0));
        return new Incident(host, SOURCE, start, Schema.VERSION, host + "-clock-" + start, IncidentKind.CLOCK, Severity.WARNING,
                RULE, start, end, resolution, summary, List.of(clock), List.of());
    }

    /** 1h 0m 3s: the offset as an operator reads it, to the second. */
    private static String readable(long millis) {
        long s = millis / 1000;
        if (s >= 3600) {
            return s / 3600 + "h " + (s % 3600) / 60 + "m " + s % 60 + "s";
        }
        return s >= 60 ? s / 60 + "m " + s % 60 + "s" : s + "s";
    }
}
