package dev.culprit.collectors;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.events.access.KafkaAccess;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The collectors of one host, as a config file describes them, publishing through one on-disk
 * spool and one transactional shipper. Closing stops the sources first and gives the shipper a
 * moment to empty the spool; what it cannot ship stays spooled for the next start.
 */
public final class Collector implements AutoCloseable {

    private final List<Source> sources;
    private final LiveSchedule schedule;
    private final Spool spool;
    private final KafkaShipper shipper;
    private KafkaShipper.Backlog leftInSpool = new KafkaShipper.Backlog(0, true);

    private Collector(CollectorConfig config, BatchSink sink, Map<String, FilePosition> resume, Clock clock,
                      Spool spool, KafkaShipper shipper) {
        this.sources = SourceRegistry.configured(config, new SourceRegistry.Context(hostName(config), clock, resume));
        this.schedule = new LiveSchedule(sources, sink);
        this.spool = spool;
        this.shipper = shipper;
    }

    public static String hostName(CollectorConfig config) {
        if (config.host() != null) {
            return config.host();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Where {@link #start} spools under a data directory. */
    public static Path spoolDirectory(Path dataDir) {
        return dataDir.resolve("spool");
    }

    /** Starts every enabled source of {@code config}, spooling under {@code dataDir/spool} and shipping to Kafka. */
    public static Collector start(CollectorConfig config, Path dataDir, KafkaAccess kafka, Clock clock) {
        Spool spool = Spool.open(spoolDirectory(dataDir), config.spool().maxBytes());
        KafkaShipper shipper = new KafkaShipper(spool, kafka, hostName(config)).start();
        return new Collector(config, spool, spool.positions(), clock, spool, shipper);
    }

    /** Starts every enabled source of {@code config} writing into {@code sink}; logs are followed from their end. */
    public static Collector startInto(CollectorConfig config, BatchSink sink, Clock clock) {
        return new Collector(config, sink, Map.of(), clock, null, null);
    }

    /** Each source's counters by its name, in the order the sources started. */
    public Map<String, SourceCounters> counters() {
        Map<String, SourceCounters> counters = new LinkedHashMap<>();
        sources.forEach(source -> counters.put(source.name(), source.counters()));
        return counters;
    }

    public long shippedRecords() {
        return shipper == null ? 0 : shipper.shippedRecords();
    }

    /** After {@link #close()}: the records Kafka did not take in time, which stay in {@link #spoolDirectory} and ship on the next start. */
    public KafkaShipper.Backlog leftInSpool() {
        return leftInSpool;
    }

    @Override
    public void close() throws Exception {
        schedule.close();
        for (Source source : sources) {
            source.close();
        }
        if (shipper != null) {
            shipper.awaitShipped(Duration.ofSeconds(5));
            shipper.close();
            leftInSpool = shipper.backlog();
            spool.close();
        }
    }
}
