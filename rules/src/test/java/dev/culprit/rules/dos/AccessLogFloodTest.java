package dev.culprit.rules.dos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.events.Alert;
import dev.culprit.events.Culprit;
import dev.culprit.events.Event;
import dev.culprit.rules.ShippedRules;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A host without mod_evasive under a single-client flood and, later, a distributed one, next to
 * a monitor, a sync client and visitors (scripts/capture/access-flood.sh, real Apache on this
 * machine kind): the access log alone, through the real parser and edge aggregation, must give
 * one incident per flood under the shipped rule, naming the flooders and sparing the others.
 */
class AccessLogFloodTest {

    private static final Path LOG = Path.of("../collectors/src/test/resources/captured/access-flood/combined-access.txt.gz");
    private static final List<String> DISTRIBUTED = IntStream.rangeClosed(100, 109).mapToObj(d -> "127.0.0." + d).toList();
    private static final List<String> SPARED = List.of("127.0.0.10", "127.0.0.11",
            "127.0.0.20", "127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24");

    @Test
    void theFloodersAreNamedFromTheAccessLogAloneAndTheBusyLegitimateClientsAreNot() throws Exception {
        List<Event> events = new ArrayList<>();
        // read as `culprit collect --once` reads it: the shipped access-log source in one-shot mode
        try (var log = LogKind.ACCESS.saved(LOG, new CollectorConfig("shop", null, null, null), "shop", Clock.systemUTC())) {
            log.readToEnd((batch, positions) -> events.addAll(batch));
        }
        events.sort(Comparator.comparingLong(Event::ts));
        DosDetector detector = new DosDetector(ShippedRules.RULES.dos());
        DosDetector.State state = DosDetector.State.EMPTY;
        List<Alert> alerts = new ArrayList<>();
        long last = 0;
        for (Event e : events) {
            var step = detector.onEvent(state, e);
            state = step.state();
            alerts.addAll(step.alerts());
            last = e.ts();
        }
        for (long t = last + 5_000; detector.wantsTicks(state); t += 5_000) {
            var step = detector.onTick(state, "shop", t);
            state = step.state();
            alerts.addAll(step.alerts());
        }

        List<String> incidents = alerts.stream().map(a -> a.incident().id()).distinct().toList();
        assertThat(incidents).hasSize(2);
        assertThat(alerts).filteredOn(a -> a.state() == Alert.State.RESOLVED).hasSize(2)
                .allSatisfy(a -> assertThat(a.incident().resolution()).isEqualTo("condition cleared"));
        long start = events.get(0).ts();
        Alert single = last(alerts, incidents.get(0));
        Alert distributed = last(alerts, incidents.get(1));
        // the single flood began 60 s in: its window fills, then the shipped 10 s hold
        assertThat(single.incident().start() - start).isBetween(60_000L, 60_000L + DosDetector.ACCESS_WINDOW_S * 1000L);
        assertThat(clients(single)).isNotEmpty().startsWith("127.0.0.66");
        assertThat(distributed.incident().start() - start).isBetween(200_000L, 200_000L + DosDetector.ACCESS_WINDOW_S * 1000L);
        assertThat(clients(distributed)).as("each of the ten at 25 requests/s, none alone a flood")
                .containsExactlyInAnyOrderElementsOf(DISTRIBUTED);
        for (Alert a : alerts) {
            assertThat(clients(a)).doesNotContainAnyElementsOf(SPARED);
        }
    }

    private static Alert last(List<Alert> alerts, String incident) {
        return alerts.stream().filter(a -> a.incident().id().equals(incident)).reduce((a, b) -> b).orElseThrow();
    }

    private static List<String> clients(Alert alert) {
        return alert.incident().culprits().stream().filter(c -> c.role().equals("client")).map(Culprit::name).toList();
    }
}
