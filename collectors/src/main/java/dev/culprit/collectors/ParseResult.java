package dev.culprit.collectors;

import dev.culprit.events.Event;
import java.util.Objects;

/** What one line of input became: an event, nothing of interest, or a refusal with its reason. */
public sealed interface ParseResult {

    /** The line described something we report. */
    record Parsed(Event event) implements ParseResult {
        public Parsed {
            Objects.requireNonNull(event, "event");
        }
    }

    /** A well-formed line that is not about us (another daemon's syslog line, say). */
    record Ignored() implements ParseResult {}

    /** A line that should have been ours but does not parse; it goes to the dead-letter topic. */
    record Unparseable(String reason) implements ParseResult {
        public Unparseable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    ParseResult IGNORED = new Ignored();

    static ParseResult parsed(Event event) {
        return new Parsed(event);
    }

    static ParseResult unparseable(String reason) {
        return new Unparseable(reason);
    }
}
