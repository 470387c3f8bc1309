package dev.culprit.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fleet for the benchmarks: every host has the shipped real incidents (an I/O stall, a DoS,
 * a mail flood, with the quiet samples around them) again and again, 30 minutes apart, so that
 * each host's events and incidents are what a collector on a real host sends. Events come out
 * in time order, a few at a time: a fleet of any length is made in constant memory.
 */
final class BenchFleet {

    /**
     * Quiet time between one round of incidents and the next: longer than a mail flood stays open
     * under the shipped rules (its 10 min window, then a 10 min cool-down), so that every round is
     * incidents of its own.
     */
    private static final long GAP_MS = 30 * 60_000;

    private static final ObjectMapper JSON = EventCodec.mapper();

    private final List<Event> round;
    private final List<ObjectNode> templates;
    private final long roundMs;
    private final int hosts;

    BenchFleet(int hosts) {
        this.hosts = hosts;
        this.round = DemoScenarios.endingAt(0);
        this.templates = round.stream().map(e -> (ObjectNode) JSON.valueToTree(e)).toList();
        this.roundMs = round.get(round.size() - 1).ts() - round.get(0).ts() + GAP_MS;
    }

    long eventsPerRound() {
        return (long) round.size() * hosts;
    }

    /**
     * Hands {@code count} events to {@code sink}, the first at {@code start} (epoch ms), in time
     * order; hosts are named web-0, web-1, …
     */
    void events(long count, long start, Consumer<EncodedEvent> sink) {
        long offset = start - round.get(0).ts();
        long made = 0;
        for (long r = 0; made < count; r++) {
            for (int i = 0; i < round.size() && made < count; i++) {
                Event template = round.get(i);
                ObjectNode node = templates.get(i);
                long ts = template.ts() + offset + r * roundMs;
                for (int h = 0; h < hosts && made < count; h++, made++) {
                    String host = "web-" + h;
                    node.put("host", host);
                    node.put("ts", ts);
                    sink.accept(new EncodedEvent(Topics.of(template), host, ts, bytes(node)));
                }
            }
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
