package dev.culprit.app;

import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.HostSampler;
import dev.culprit.collectors.proc.HostSamplerSource;
import dev.culprit.collectors.spool.KafkaShipper;
import dev.culprit.collectors.spool.Spool;
import dev.culprit.collectors.spool.SpoolingPublisher;
import dev.culprit.jobs.CulpritJob;
import dev.culprit.jobs.KafkaEndpoints;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.rules.iowait.IoWaitRule;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The live path on one host: collectors publish to the runtime's Kafka, the detection job reads
 * it and writes alerts to Kafka and H2, and the alert printer shows them. Closing stops the
 * pieces in the order that loses nothing: collectors first, broker last.
 */
public final class Pipeline implements AutoCloseable {

    private static final long SPOOL_BYTES = 256L << 20;

    public record Settings(Path procRoot, String host, Duration sampleInterval, IoWaitRule ioWaitRule) {}

    private final EmbeddedRuntime runtime;
    private final Spool spool;
    private final KafkaShipper shipper;
    private final HostSamplerSource sampler;
    private final JobClient job;
    private final AlertPrinter printer;

    private Pipeline(EmbeddedRuntime runtime, Spool spool, KafkaShipper shipper, HostSamplerSource sampler,
                     JobClient job, AlertPrinter printer) {
        this.runtime = runtime;
        this.spool = spool;
        this.shipper = shipper;
        this.sampler = sampler;
        this.job = job;
        this.printer = printer;
    }

    public static Pipeline start(EmbeddedRuntime runtime, Settings settings, PrintStream alertsOut, boolean colour)
            throws Exception {
        String bootstrap = runtime.bootstrapServers();
        AlertPrinter printer = new AlertPrinter(bootstrap, alertsOut, colour);
        StreamExecutionEnvironment env = runtime.flink();
        new CulpritJob(
                KafkaEndpoints.source(bootstrap, "culprit-detection"),
                List.of(KafkaEndpoints.alertSink(bootstrap), new IncidentStoreSink(runtime.database().url())),
                KafkaEndpoints.deadLetterSink(bootstrap),
                settings.ioWaitRule())
                .build(env);
        JobClient job = env.executeAsync("culprit-detection");

        Spool spool = Spool.open(runtime.dataDir().resolve("spool"), SPOOL_BYTES);
        KafkaShipper shipper = new KafkaShipper(spool, bootstrap, settings.host()).start();
        HostSamplerSource sampler = new HostSamplerSource(
                new HostSampler(settings.procRoot(), settings.host(), Clock.systemUTC(), DeviceFilter.DISKS_ONLY),
                settings.sampleInterval());
        sampler.start(new SpoolingPublisher(spool));
        return new Pipeline(runtime, spool, shipper, sampler, job, printer);
    }

    public long alertsPrinted() {
        return printer.printed();
    }

    @Override
    public void close() throws Exception {
        sampler.close();
        shipper.awaitShipped(java.time.Duration.ofSeconds(5));
        shipper.close();
        spool.close();
        try {
            job.cancel().get();
        } catch (Exception e) {
            // the job may already have failed; its cause was reported by Flink
        }
        printer.close();
    }
}
