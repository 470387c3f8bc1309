package dev.culprit.app;

import dev.culprit.collectors.proc.DeviceFilter;
import dev.culprit.collectors.proc.HostSampler;
import dev.culprit.collectors.proc.HostSamplerSource;
import dev.culprit.collectors.publish.KafkaEventPublisher;
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

    public record Settings(Path procRoot, String host, Duration sampleInterval, IoWaitRule ioWaitRule) {}

    private final EmbeddedRuntime runtime;
    private final KafkaEventPublisher publisher;
    private final HostSamplerSource sampler;
    private final JobClient job;
    private final AlertPrinter printer;

    private Pipeline(EmbeddedRuntime runtime, KafkaEventPublisher publisher, HostSamplerSource sampler,
                     JobClient job, AlertPrinter printer) {
        this.runtime = runtime;
        this.publisher = publisher;
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

        KafkaEventPublisher publisher = new KafkaEventPublisher(bootstrap);
        HostSamplerSource sampler = new HostSamplerSource(
                new HostSampler(settings.procRoot(), settings.host(), Clock.systemUTC(), DeviceFilter.DISKS_ONLY),
                settings.sampleInterval());
        sampler.start(publisher);
        return new Pipeline(runtime, publisher, sampler, job, printer);
    }

    public long alertsPrinted() {
        return printer.printed();
    }

    @Override
    public void close() throws Exception {
        sampler.close();
        publisher.close();
        try {
            job.cancel().get();
        } catch (Exception e) {
            // the job may already have failed; its cause was reported by Flink
        }
        printer.close();
    }
}
