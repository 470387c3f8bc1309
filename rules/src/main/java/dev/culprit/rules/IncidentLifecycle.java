package dev.culprit.rules;

import dev.culprit.events.Alert;
import dev.culprit.events.Incident;
import dev.culprit.events.Schema;
import dev.culprit.events.text.Durations;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * The life of one incident, the same for every detection: a condition must hold for the rule's
 * hold time before the incident fires; while it holds, the incident is updated when its severity
 * or the culprits it names change, at most once per update interval; it resolves once the
 * condition has been clear for the cool-down, or once its host has sent nothing for the rule's
 * silence (a dead collector or a removed host must not leave an incident open for ever).
 *
 * <p>A detector says, at each step, whether its condition holds and how to draw the incident with
 * what it knows now; the lifecycle decides what that means. Each alert carries the incident as
 * drawn at that moment, so the resolved one carries the final figures, not the firing's.
 *
 * @param breachSince when the condition began to hold, null while it does not
 * @param clearSince when it stopped holding, null while it holds
 * @param open the incident as last sent, null when none is open
 * @param lastAlertTs when the last alert was sent
 * @param lastHeard when the host last sent an event this detection reads
 */
public record IncidentLifecycle(Long breachSince, Long clearSince, Incident open, long lastAlertTs, Long lastHeard) {

    public static final IncidentLifecycle IDLE = new IncidentLifecycle(null, null, null, Long.MIN_VALUE, null);

    /** How an incident ends, as its alert and its stored row say. */
    public static final String CONDITION_CLEARED = "condition cleared";

    /**
     * A rule's timings.
     *
     * @param holdMs the condition must hold this long before the incident fires
     * @param cooldownMs ...and be clear this long before it resolves
     * @param minUpdateMs an update is sent at most this often, and only on change
     * @param silenceMs an open incident resolves once its host has sent nothing for this long
     */
    public record Timing(long holdMs, long cooldownMs, long minUpdateMs, long silenceMs) implements Serializable {

        public Timing {
            if (holdMs < 0 || cooldownMs < 0 || minUpdateMs < 0 || silenceMs <= 0) {
                throw new IllegalArgumentException("timings must not be negative, silence must be above 0: " + this);
            }
        }
    }

    /** What one step observed. */
    public enum Heard { EVENT, TIME_ONLY }

    /**
     * Draws the incident with what the detector knows at this step.
     */
    @FunctionalInterface
    public interface Draft {
        /**
         * @param start when the incident began (the lifecycle's breach start, or the open incident's)
         * @param end null while open; when the condition was last seen otherwise
         * @param resolution null while open; why it ended otherwise
         */
        Incident draw(long start, Long end, String resolution);
    }

    /** The next lifecycle and the alert this step sends, if any. */
    public record Step(IncidentLifecycle next, Optional<Alert> alert) {

        public List<Alert> alerts() {
            return alert.stream().toList();
        }
    }

    public boolean ongoing() {
        return open != null;
    }

    /**
     * One step at event time {@code now}.
     *
     * @param heard whether the host sent an event at {@code now}, or only time passed
     * @param breached whether the condition holds at {@code now}
     * @param atOnce whether this breach needs no hold time (a verdict already made elsewhere, a mail already sent)
     * @param breachBegan when this breach began, if the detector knows better than "now" (null: now)
     * @param source the detector's name, as alerts carry it
     */
    public Step step(String host, String source, long now, Heard heard, boolean breached, boolean atOnce,
                     Long breachBegan, Timing timing, Draft draft) {
        Long heardAt = heard == Heard.EVENT ? Long.valueOf(now) : lastHeard;
        if (open != null && heard == Heard.TIME_ONLY && lastHeard != null && now - lastHeard >= timing.silenceMs()) {
            String why = "host sent nothing for " + Durations.of(timing.silenceMs());
            Incident closed = draft.draw(open.start(), lastHeard, why);
            return new Step(new IncidentLifecycle(null, null, null, now, heardAt),
                    Optional.of(new Alert(host, source, now, Schema.VERSION, Alert.State.RESOLVED, closed)));
        }
        Long since = breached ? (breachSince != null ? breachSince : breachBegan != null ? breachBegan : now) : null;
        Long clear = breached ? null : (clearSince != null ? clearSince : now);
        if (open == null) {
            if (since != null && (atOnce || now - since >= timing.holdMs())) {
                Incident firing = draft.draw(since, null, null);
                return new Step(new IncidentLifecycle(since, null, firing, now, heardAt),
                        Optional.of(new Alert(host, source, now, Schema.VERSION, Alert.State.FIRING, firing)));
            }
            return new Step(new IncidentLifecycle(since, clear, null, lastAlertTs, heardAt), Optional.empty());
        }
        if (breached) {
            // drawn only when an update may go out: drawing ranks every culprit, and this runs at every event
            if (now - lastAlertTs >= timing.minUpdateMs()) {
                Incident current = draft.draw(open.start(), null, null);
                if (changed(open, current)) {
                    return new Step(new IncidentLifecycle(since, null, current, now, heardAt),
                            Optional.of(new Alert(host, source, now, Schema.VERSION, Alert.State.UPDATE, current)));
                }
            }
            return new Step(new IncidentLifecycle(since, null, open, lastAlertTs, heardAt), Optional.empty());
        }
        if (now - clear >= timing.cooldownMs()) {
            Incident closed = draft.draw(open.start(), clear, CONDITION_CLEARED);
            return new Step(new IncidentLifecycle(null, null, null, now, heardAt),
                    Optional.of(new Alert(host, source, now, Schema.VERSION, Alert.State.RESOLVED, closed)));
        }
        return new Step(new IncidentLifecycle(null, clear, open, lastAlertTs, heardAt), Optional.empty());
    }

    /** What an operator acts on: how bad it is and whom it names. Figures alone move every second. */
    private static boolean changed(Incident sent, Incident now) {
        return sent.severity() != now.severity() || !names(sent).equals(names(now));
    }

    private static List<String> names(Incident incident) {
        return incident.culprits().stream().map(c -> c.role() + " " + c.name()).toList();
    }
}
