package dev.culprit.collectors.apache;

import dev.culprit.collectors.EventSink;
import dev.culprit.events.ApacheStatus;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs an {@link ApacheStatusPoller} every interval on its own thread until closed. */
public final class ApacheStatusSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApacheStatusSource.class);

    private final ApacheStatusPoller poller;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "culprit-apache-status");
        t.setDaemon(true);
        return t;
    });
    private boolean unreachable;
    private boolean sinkFailing;

    public ApacheStatusSource(ApacheStatusPoller poller, Duration interval) {
        this.poller = poller;
        this.interval = interval;
    }

    public void start(EventSink sink) {
        // Fixed delay, not rate: a status page slowed by a DoS must not make polls pile up.
        timer.scheduleWithFixedDelay(() -> pollInto(sink), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollInto(EventSink sink) {
        ApacheStatus status = poller.poll();
        // The event carries every failure; the log says it once per streak, not once per poll.
        if (!status.reachable() && !unreachable) {
            LOG.warn("apache status {} unreadable (will keep trying): {}", status.server(), status.error());
        } else if (status.reachable() && unreachable) {
            LOG.info("apache status {} readable again", status.server());
        }
        unreachable = !status.reachable();
        try {
            sink.publish(status);
            sinkFailing = false;
        } catch (RuntimeException e) {
            if (!sinkFailing) {
                LOG.warn("apache status could not be handed on (will keep trying): {}", e.getMessage());
            }
            sinkFailing = true;
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
