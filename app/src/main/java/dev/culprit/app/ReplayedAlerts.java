package dev.culprit.app;

import dev.culprit.events.Alert;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stands before the console while recorded events play through the live job ahead of the
 * collectors (the demo's shipped incidents). The job's three detectors run side by side, so their
 * alerts on the replayed hosts arrive in no useful order; they are held until every replayed host
 * has had an incident and none is open any more (or {@link #release} is called), then printed in
 * event-time order, each marked {@value #MARK}. Alerts of other hosts pass straight through, and
 * a replayed host's alert after the release is printed marked at once.
 */
final class ReplayedAlerts implements Consumer<Alert> {

    static final String MARK = "[replay]";

    private final Set<String> replayedHosts;
    private final ConsoleAlerts console;
    private final List<Alert> held = new ArrayList<>();
    private final Set<String> hostsSeen = new HashSet<>();
    private final Set<String> openIncidents = new HashSet<>();
    private boolean released;
    private long shown;

    ReplayedAlerts(Set<String> replayedHosts, ConsoleAlerts console) {
        this.replayedHosts = Set.copyOf(replayedHosts);
        this.console = console;
    }

    @Override
    public synchronized void accept(Alert alert) {
        if (!replayedHosts.contains(alert.host())) {
            console.accept(alert);
            return;
        }
        if (released) {
            show(alert);
            return;
        }
        held.add(alert);
        hostsSeen.add(alert.host());
        if (alert.state() == Alert.State.RESOLVED) {
            openIncidents.remove(alert.incident().id());
        } else {
            openIncidents.add(alert.incident().id());
        }
        if (hostsSeen.equals(replayedHosts) && openIncidents.isEmpty()) {
            release();
        }
    }

    /** Prints what is held, in event-time order; from now on replayed alerts are printed as they come. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        held.sort(Comparator.comparingLong(Alert::ts).thenComparing(Alert::state));
        held.forEach(this::show);
        held.clear();
    }

    /** How many replayed alerts have been printed. */
    synchronized long shown() {
        return shown;
    }

    private void show(Alert alert) {
        console.accept(alert, MARK);
        shown++;
    }
}
