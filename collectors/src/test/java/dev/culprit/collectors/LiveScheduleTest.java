package dev.culprit.collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.events.CpuSample;
import dev.culprit.events.Event;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One schedule for every source: failures cost a poll, never the schedule, and end up in the counters. */
class LiveScheduleTest {

    /** Fails its second and third polls, as a log on a disk that went away for a moment. */
    private static final class Flaky implements Source {
        final AtomicInteger polls = new AtomicInteger();
        final SourceTally tally = new SourceTally("flaky");

        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Duration interval() {
            return Duration.ofMillis(10);
        }

        @Override
        public boolean poll(BatchSink sink) throws IOException {
            int n = polls.incrementAndGet();
            if (n == 2 || n == 3) {
                throw new IOException("cannot read /var/log/flaky: Input/output error");
            }
            tally.read(1);
            tally.writeOrDrop(sink, List.of(new CpuSample("web1", "proc", n, 1, 1000, 1, 0, 1, 1, 0, 97, null, null, null)));
            return false;
        }

        @Override
        public void readToEnd(BatchSink sink) {
            throw new UnsupportedOperationException("live only");
        }

        @Override
        public SourceTally tally() {
            return tally;
        }
    }

    @Test
    void aFailingSourceKeepsItsScheduleAndItsLastErrorIsCounted() {
        Flaky source = new Flaky();
        List<Event> written = new CopyOnWriteArrayList<>();
        AtomicInteger offered = new AtomicInteger();

        try (LiveSchedule schedule = new LiveSchedule(List.of(source), (events, positions) -> {
            // the fourth sample finds no room: it is dropped and counted
            if (offered.incrementAndGet() == 3) {
                return false;
            }
            return written.addAll(events);
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> written.size() >= 4);
        }

        SourceCounters counters = source.counters();
        assertThat(counters.lastError()).isEqualTo("cannot read /var/log/flaky: Input/output error");
        assertThat(counters.dropped()).isEqualTo(1);
        assertThat(counters.events()).isEqualTo(written.size());
        assertThat(counters.read()).isEqualTo(counters.events() + counters.dropped());
        assertThat(counters.summary("flaky")).startsWith("flaky: " + counters.read() + " read, " + counters.events()
                + " event(s), 0 unparseable, 1 dropped; last error: cannot read");
    }

    @Test
    void aFileSystemFailureNamesTheFileAndWhatHappenedToIt() {
        // what a log under Debian's root:adm 0750 /var/log/apache2 gives a collector not in adm
        assertThat(Source.describe(new AccessDeniedException("/var/log/apache2/error.log")))
                .isEqualTo("/var/log/apache2/error.log: permission denied");
        assertThat(Source.describe(new IOException("cannot list /proc"))).isEqualTo("cannot list /proc");
    }
}
