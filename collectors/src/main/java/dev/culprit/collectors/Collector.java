package dev.culprit.collectors;

import dev.culprit.collectors.apache.ApacheStatusPoller;
import dev.culprit.collectors.apache.ApacheStatusSource;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.evasive.DosLogDirWatcher;
import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.HostSampler;
import dev.culprit.collectors.proc.ProcessSampler;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.spool.SpoolingPublisher;
import dev.culprit.collectors.tail.FilePosition;
import dev.culprit.collectors.tail.TailedLogSource;
import dev.culprit.events.access.KafkaAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The collectors of one host, as a config file describes them, publishing through one on-disk
 * spool and one transactional shipper. Closing stops the sources first and gives the shipper a
 * moment to empty the spool; what it cannot ship stays spooled for the next start.
 */
public final class Collector implements AutoCloseable {

    private static final Duration TAIL_POLL = Duration.ofMillis(250);
    private static final Duration DOS_LOG_DIR_POLL = Duration.ofSeconds(1);

    /** Where the events go: a spool shipped to Kafka, or any other sink (an archive). */
    private final BatchSink sink;
    private final Map<String, FilePosition> resume;
    private final Spool spool;
    private final KafkaShipper shipper;
    private final SpoolingPublisher samples;
    private final List<AutoCloseable> sources = new ArrayList<>();
    private final List<TailedLogSource> logs = new ArrayList<>();
    private final List<HostSampler> hosts = new ArrayList<>();
    private final List<ProcessSampler> processes = new ArrayList<>();

    private Collector(BatchSink sink, Map<String, FilePosition> resume, Spool spool, KafkaShipper shipper) {
        this.sink = sink;
        this.resume = resume;
        this.spool = spool;
        this.shipper = shipper;
        this.samples = new SpoolingPublisher(sink);
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

    /** Starts every enabled source of {@code config}, spooling under {@code dataDir/spool} and shipping to Kafka. */
    public static Collector start(CollectorConfig config, Path dataDir, KafkaAccess kafka, Clock clock) {
        Spool spool = Spool.open(dataDir.resolve("spool"), config.spool().maxBytes());
        KafkaShipper shipper = new KafkaShipper(spool, kafka, hostName(config)).start();
        return startSources(config, new Collector(spool, spool.positions(), spool, shipper), clock);
    }

    /** Starts every enabled source of {@code config} writing into {@code sink}; logs are followed from their end. */
    public static Collector startInto(CollectorConfig config, BatchSink sink, Clock clock) {
        return startSources(config, new Collector(sink, Map.of(), null, null), clock);
    }

    private static Collector startSources(CollectorConfig config, Collector collector, Clock clock) {
        String host = hostName(config);
        var sources = config.sources();
        if (sources.proc().enabled()) {
            HostSampler hostSampler = new HostSampler(sources.proc().root(), host, clock,
                    new DeviceFilter(sources.proc().includePartitions(), sources.proc().includeVirtualDevices()));
            ProcessSampler processSampler = new ProcessSampler(sources.proc().root(), host, clock,
                    sources.proc().topProcesses());
            SamplingSource sampler = new SamplingSource(
                    List.of(hostSampler::sample, processSampler::sample), sources.proc().every());
            sampler.start(collector.samples);
            collector.sources.add(sampler);
            collector.hosts.add(hostSampler);
            collector.processes.add(processSampler);
        }
        if (sources.apache().enabled()) {
            ApacheStatusSource status = new ApacheStatusSource(
                    new ApacheStatusPoller(host, sources.apache().settings(), clock), sources.apache().every());
            status.start(collector.samples);
            collector.sources.add(status);
        }
        ZoneId defaultZone = ZoneId.systemDefault();
        if (sources.evasive().enabled()) {
            var evasive = sources.evasive();
            TailedLogSource.Kind kind = LogKind.EVASIVE.reader(zone(evasive.timeZone(), defaultZone), clock);
            collector.follow("evasive-error-log", evasive.errorLog(), kind, host, clock);
            collector.follow("evasive-syslog", evasive.syslog(), kind, host, clock);
            if (evasive.dosLogDir() != null) {
                DosLogDirWatcher watcher = new DosLogDirWatcher(evasive.dosLogDir(), host, false);
                SamplingSource dosFiles = new SamplingSource(List.of(() -> {
                    try {
                        return watcher.poll();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), DOS_LOG_DIR_POLL);
                dosFiles.start(collector.samples);
                collector.sources.add(dosFiles);
            }
        }
        if (sources.phpmail().enabled()) {
            var phpmail = sources.phpmail();
            TailedLogSource.Kind kind = LogKind.PHPMAIL.reader(zone(phpmail.timeZone(), defaultZone), clock);
            collector.follow("phpmail-log", phpmail.log(), kind, host, clock);
            if (phpmail.syslog() != null) {
                collector.follow("phpmail-syslog", phpmail.syslog(), kind, host, clock);
            }
        }
        return collector;
    }

    private static ZoneId zone(String configured, ZoneId fallback) {
        return configured == null ? fallback : ZoneId.of(configured);
    }

    /** Follows a log through this collector's spool, resuming where the last run stopped. */
    private void follow(String key, Path path, TailedLogSource.Kind kind, String host, Clock clock) {
        TailedLogSource log = new TailedLogSource(key, path, kind, host, sink, clock,
                Optional.ofNullable(resume.get(key)), false);
        log.start(TAIL_POLL);
        logs.add(log);
    }

    public long linesRead() {
        return logs.stream().mapToLong(TailedLogSource::linesRead).sum();
    }

    public long unparseableLines() {
        return logs.stream().mapToLong(TailedLogSource::unparseableLines).sum();
    }

    /** Host-wide /proc files (stat, diskstats, uptime, pressure) that could not be read or parsed, each a dead letter. */
    public long unreadableProcFiles() {
        return hosts.stream().mapToLong(HostSampler::unreadableFiles).sum();
    }

    /** Process I/O figures dropped for being far above what the host's disks and page cache took in (inherited accounting). */
    public long processRatesAboveDiskBound() {
        return processes.stream().mapToLong(ProcessSampler::ratesAboveDiskBound).sum();
    }

    public long droppedSamples() {
        return samples.dropped();
    }

    public long shippedRecords() {
        return shipper == null ? 0 : shipper.shippedRecords();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable source : sources) {
            source.close();
        }
        for (TailedLogSource log : logs) {
            log.close();
        }
        if (shipper != null) {
            shipper.awaitShipped(Duration.ofSeconds(5));
            shipper.close();
            spool.close();
        }
    }
}
