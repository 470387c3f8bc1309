package dev.culprit.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.storage.EventArchive;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The three real incidents shipped with Culprit (scripts/capture/incident-archives.sh): an
 * I/O-wait stall under dd, a mod_evasive-fought DoS, a PHP mail flood. The demo plays them
 * through the live pipeline first, moved in time so that they end just now, so that a new user
 * sees every incident kind within a minute even on a quiet machine.
 */
final class DemoScenarios {

    static final List<String> NAMES = List.of("iowait", "dos", "mail");

    private DemoScenarios() {}

    /** Every scenario's events, each scenario shifted to end at {@code endAt}, in event-time order. */
    static List<Event> endingAt(long endAt) {
        List<Event> all = new ArrayList<>();
        for (String name : NAMES) {
            List<Event> events = load(name);
            long last = events.stream().mapToLong(Event::ts).max().orElse(endAt);
            long shift = endAt - last;
            for (Event e : events) {
                all.add(shifted(e, shift));
            }
        }
        all.sort(Comparator.comparingLong(Event::ts));
        return all;
    }

    private static List<Event> load(String name) {
        String resource = "/scenarios/" + name + ".jsonl.gz";
        InputStream in = DemoScenarios.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("scenario " + resource + " is missing from the build");
        }
        return EventArchive.read(in, resource);
    }

    private static Event shifted(Event event, long shift) {
        ObjectNode json = EventCodec.mapper().valueToTree(event);
        json.put("ts", event.ts() + shift);
        return EventCodec.mapper().convertValue(json, event.getClass());
    }
}
