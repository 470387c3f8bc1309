package dev.culprit.collectors.apache;

import static dev.culprit.collectors.apache.CapturedPages.text;
import static dev.culprit.collectors.apache.StatusServer.Response.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.collectors.LiveSchedule;
import dev.culprit.events.ApacheStatus;
import dev.culprit.events.Event;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The scheduled source keeps polling through a dead server and a failing sink. */
class ApacheStatusSourceTest {

    @Test
    void pollsOnThroughAnOutageAndASinkFailure() throws IOException {
        List<Event> published = new CopyOnWriteArrayList<>();
        AtomicInteger handed = new AtomicInteger();
        try (StatusServer apache = new StatusServer()) {
            // Two good pages, then the queue runs dry: 404s, as a server whose status page went away.
            apache.auto(page(text("worker-load-auto-1.txt")), page(text("worker-load-auto-2.txt")));
            ApacheStatusPoller poller = new ApacheStatusPoller("web1", ApacheStatusSettings.of(apache.url()),
                    Map.of(), Clock.systemUTC());
            ApacheStatusSource source = new ApacheStatusSource(poller, Duration.ofMillis(20));
            try (LiveSchedule schedule = new LiveSchedule(List.of(source), (events, positions) -> {
                if (handed.incrementAndGet() == 2) {
                    throw new IllegalStateException("spool broken");
                }
                published.addAll(events);
                return true;
            })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> published.size() >= 5);
            }
            assertThat(source.counters().lastError()).endsWith("?auto: HTTP 404");
        }

        assertThat(published).first().extracting(e -> ((ApacheStatus) e).totalAccesses()).isEqualTo(15351L);
        assertThat(published.subList(1, 5)).allSatisfy(e -> {
            ApacheStatus status = (ApacheStatus) e;
            assertThat(status.reachable()).isFalse();
            assertThat(status.error()).endsWith("?auto: HTTP 404");
        });
    }
}
