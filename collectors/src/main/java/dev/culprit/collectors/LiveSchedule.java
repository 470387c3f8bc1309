package dev.culprit.collectors;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sources live, each on its own thread so that a slow one (a status page slowed by a DoS, a
 * scan of many processes) delays no other, with one rule for failures: a failing source keeps
 * its schedule, the log says so once per streak and once when it reads again, and the failure is
 * its last error. Each source's counters are logged at INFO when they changed, at most once per
 * {@link #REPORT_EVERY}.
 */
public final class LiveSchedule implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSchedule.class);
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);

    private final List<ScheduledExecutorService> timers = new ArrayList<>();
    private final Map<Source, SourceCounters> reported = new HashMap<>();

    /** Starts polling every source into {@code sink}, the first poll at once. */
    public LiveSchedule(List<Source> sources, BatchSink sink) {
        for (Source source : sources) {
            // Fixed delay, not rate: a slow read must not make polls pile up. Rates are measured by
            // the data's own clocks (uptime, read times), so the drift costs nothing.
            timer("culprit-" + source.name()).scheduleWithFixedDelay(new Polling(source, sink),
                    0, source.interval().toMillis(), TimeUnit.MILLISECONDS);
        }
        timer("culprit-source-counters").scheduleWithFixedDelay(() -> report(sources),
                REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ScheduledExecutorService timer(String threadName) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        timers.add(timer);
        return timer;
    }

    /** One source's polls and its failure streak. */
    private static final class Polling implements Runnable {
        private final Source source;
        private final BatchSink sink;
        private boolean failing;

        Polling(Source source, BatchSink sink) {
            this.source = source;
            this.sink = sink;
        }

        @Override
        public void run() {
            try {
                while (source.poll(sink)) {
                    // keep reading while there is a backlog
                }
                if (failing) {
                    LOG.info("{}: reading again", source.name());
                }
                failing = false;
            } catch (IOException | RuntimeException e) {
                // Anything thrown here would end the schedule for good; count it and try again.
                String error = Source.describe(e);
                source.tally().failed(error);
                if (!failing) {
                    LOG.warn("{}: {} (will keep trying)", source.name(), error);
                }
                failing = true;
            }
        }
    }

    private void report(List<Source> sources) {
        for (Source source : sources) {
            SourceCounters now = source.counters();
            if (!now.equals(reported.put(source, now))) {
                LOG.info(now.summary(source.name()));
            }
        }
    }

    @Override
    public void close() {
        // Not shutdownNow: an interrupt in the middle of a spool write would close its FileChannel.
        timers.forEach(ScheduledExecutorService::shutdown);
        try {
            for (ScheduledExecutorService timer : timers) {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
