package dev.culprit.collectors;

import dev.culprit.events.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs samplers (the /proc host and process samplers, the status poller) every interval on its
 * own thread until closed. One interval's events from all its samplers are published as one unit.
 */
public final class SamplingSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SamplingSource.class);

    private final List<Supplier<? extends List<? extends Event>>> samplers;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "culprit-sampler");
        t.setDaemon(true);
        return t;
    });
    private boolean failing;

    public SamplingSource(List<Supplier<? extends List<? extends Event>>> samplers, Duration interval) {
        this.samplers = List.copyOf(samplers);
        this.interval = interval;
    }

    public void start(EventSink sink) {
        timer.scheduleAtFixedRate(() -> sampleInto(sink), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sampleInto(EventSink sink) {
        try {
            List<Event> events = new ArrayList<>();
            for (Supplier<? extends List<? extends Event>> sampler : samplers) {
                events.addAll(sampler.get());
            }
            sink.publishAll(events);
            failing = false;
        } catch (RuntimeException e) {
            // A sampling failure must not end the schedule; say it once per failing streak.
            if (!failing) {
                LOG.warn("host sampling failed (will keep trying): {}", e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        // Not shutdownNow: an interrupt in the middle of a spool write would close its FileChannel.
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
