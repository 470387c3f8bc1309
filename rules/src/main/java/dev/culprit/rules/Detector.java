package dev.culprit.rules;

import dev.culprit.events.Alert;
import dev.culprit.events.Event;
import java.util.List;

/**
 * A detection as plain Java: one host's events go in, in event-time order, with the detector's
 * memory of that host; the new memory and the alerts it raised come out. The memory is a value
 * (a record that Jackson can write), so a Flink function can keep it in keyed state and a test
 * can drive the detector without Flink.
 *
 * @param <S> the detector's memory of one host
 */
public interface Detector<S> extends java.io.Serializable {

    /** What the detector knows of a host it has never seen. */
    S initialState();

    /** The memory's type, for Flink state descriptors. */
    Class<S> stateType();

    /** Takes one event; events of kinds the detector does not use leave the state as it was. */
    Transition<S> onEvent(S state, Event event);

    /**
     * Event time has reached {@code now} for {@code host} without new events: an incident whose
     * condition ended, or whose update was held back, may change now. Called while
     * {@link #wantsTicks} says so.
     */
    default Transition<S> onTick(S state, String host, long now) {
        return new Transition<>(state, List.of());
    }

    /** Whether the passing of event time alone can change anything (an incident is open). */
    default boolean wantsTicks(S state) {
        return false;
    }

    /** The next memory and the alerts this event caused. */
    record Transition<S>(S state, List<Alert> alerts) {
        public Transition {
            alerts = List.copyOf(alerts);
        }
    }
}
