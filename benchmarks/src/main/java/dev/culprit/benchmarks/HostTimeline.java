package dev.culprit.benchmarks;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import dev.culprit.rules.Detector;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One host's events judged by a detector the way the job's DetectorFunction judges them: in
 * event-time order, with the detector's memory carried from event to event, and while an incident
 * is open a check every {@value #TICK_MS} ms of the host's time. At the end of the events the open
 * incident runs on to its end, as at the end of a replay; then the host starts again from an empty
 * memory, so that every pass goes through the same incidents.
 */
final class HostTimeline<S> {

    /** DetectorFunction.TICK_MS: how often an open incident is checked in the host's time. */
    static final long TICK_MS = 5_000;
    /** DetectorFunction's horizon at the end of a bounded input. */
    private static final long END_OF_INPUT_HORIZON_MS = 24 * 3_600_000L;
    private static final long NO_TICK = Long.MAX_VALUE;

    private final Detector<S> detector;
    private final Event[] events;
    private final String host;
    private S memory;
    private int next;
    private long nextTick = NO_TICK;
    private long alertsRaised;
    private long passes;

    HostTimeline(Detector<S> detector, List<Event> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events to judge");
        }
        this.detector = detector;
        this.events = events.toArray(Event[]::new);
        this.host = events.get(0).host();
        this.memory = detector.initialState();
    }

    /** Judges the host's next event (with the checks due before it); its alerts go to {@code alerts}. */
    void judgeNext(Blackhole alerts) {
        Event event = events[next];
        tickUpTo(event.ts(), alerts);
        Detector.Transition<S> step = detector.onEvent(memory, event);
        memory = step.state();
        raised(step.alerts(), alerts);
        if (!detector.wantsTicks(memory)) {
            nextTick = NO_TICK;
        } else if (nextTick == NO_TICK) {
            nextTick = event.ts() + TICK_MS;
        }
        if (++next == events.length) {
            tickUpTo(event.ts() + END_OF_INPUT_HORIZON_MS, alerts);
            memory = detector.initialState();
            next = 0;
            passes++;
            nextTick = NO_TICK;
        }
    }

    private void tickUpTo(long ts, Blackhole alerts) {
        while (nextTick <= ts && detector.wantsTicks(memory)) {
            Detector.Transition<S> step = detector.onTick(memory, host, nextTick);
            memory = step.state();
            raised(step.alerts(), alerts);
            nextTick += TICK_MS;
        }
    }

    private void raised(List<Alert> raised, Blackhole alerts) {
        alerts.consume(raised);
        alertsRaised += raised.size();
    }

    /** What the passes run so far did (warm-up included), to show that the incidents were detected, not merely fed. */
    String summary() {
        return String.format(Locale.ROOT, "%s: %,d events a pass, %,d complete passes, about %s alerts a pass", host, events.length,
                passes, passes == 0 ? "?" : String.format(Locale.ROOT, "%,d", alertsRaised / passes));
    }
}
