package dev.culprit.collectors.apache;

import dev.culprit.collectors.BatchSink;
import dev.culprit.collectors.Source;
import dev.culprit.collectors.SourceRegistry;
import dev.culprit.collectors.SourceTally;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.events.ApacheStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One Apache's mod_status, read by an {@link ApacheStatusPoller}. Live, every interval; one-shot,
 * the page once as it is now. A read that fails is still an event ({@code reachable=false}), and
 * also a failed poll, so the schedule says it once per outage.
 */
public final class ApacheStatusSource implements Source {

    private final ApacheStatusPoller poller;
    private final Duration interval;
    private final SourceTally tally = new SourceTally(ApacheStatusPoller.SOURCE);

    public ApacheStatusSource(ApacheStatusPoller poller, Duration interval) {
        this.poller = poller;
        this.interval = interval;
    }

    /** The {@code apache} section of a config: one source, or none when it is off. */
    public static List<Source> configured(CollectorConfig config, SourceRegistry.Context on) {
        CollectorConfig.Apache apache = config.sources().apache();
        if (!apache.enabled()) {
            return List.of();
        }
        return List.of(new ApacheStatusSource(new ApacheStatusPoller(on.host(), apache.settings(), on.clock()), apache.every()));
    }

    @Override
    public String name() {
        return ApacheStatusPoller.SOURCE;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean poll(BatchSink sink) throws IOException {
        ApacheStatus status = poller.poll();
        tally.read(1);
        tally.writeOrDrop(sink, List.of(status));
        if (!status.reachable()) {
            throw new IOException("status " + status.server() + " unreadable: " + status.error());
        }
        return false;
    }

    @Override
    public void readToEnd(BatchSink sink) throws IOException {
        poll(sink);
    }

    @Override
    public SourceTally tally() {
        return tally;
    }
}
