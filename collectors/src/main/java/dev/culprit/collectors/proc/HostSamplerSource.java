package dev.culprit.collectors.proc;

import dev.culprit.collectors.EventSink;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a {@link HostSampler} every interval on its own thread until closed. */
public final class HostSamplerSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostSamplerSource.class);

    private final HostSampler sampler;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "culprit-host-sampler");
        t.setDaemon(true);
        return t;
    });
    private boolean failing;

    public HostSamplerSource(HostSampler sampler, Duration interval) {
        this.sampler = sampler;
        this.interval = interval;
    }

    public void start(EventSink sink) {
        timer.scheduleAtFixedRate(() -> sampleInto(sink), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sampleInto(EventSink sink) {
        try {
            sink.publishAll(sampler.sample());
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
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
