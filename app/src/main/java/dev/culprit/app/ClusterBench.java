package dev.culprit.app;

import dev.culprit.events.EncodedEvent;
import dev.culprit.storage.DatabaseAccess;
import dev.culprit.storage.DatabaseLogins;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code culprit bench cluster}: a fleet's events into the Kafka of {@code culprit cluster up},
 * through the job {@code culprit submit} started there, until the history holds every one: what
 * the README's Scale-out section sizes TaskManager slots by.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Sends a fleet's events through the running `culprit cluster up` + `culprit submit` deployment "
                + "(3 Kafka nodes, the job on the TaskManagers, H2's server) until all are stored.",
            "Prints sustained events/s, the job's parallelism, and events/s per slot."})
final class ClusterBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "data", paramLabel = "DIR", description = "The cluster's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--hosts", defaultValue = "200", paramLabel = "N", description = "Hosts in the fleet (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--events", defaultValue = "200000", paramLabel = "N", description = "Events to send (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--patience", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up when the events are not all stored after this long (default: ${DEFAULT-VALUE}).")
    Duration patience;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hosts < 1 || events < 1) {
            err.println("culprit bench cluster: --hosts and --events must be at least 1");
            return Culprit.EXIT_USAGE;
        }
        LocalCluster cluster = ClusterCommand.started(dataDir);
        int parallelism = runningParallelism(cluster);
        DatabaseAccess history = new DatabaseAccess(cluster.databaseUrl(), DatabaseLogins.read(cluster.databaseLogins()).reader());
        long before = StoredEventsWait.rawEvents(history);
        out.println(BenchMachine.describe());
        out.flush();
        long t0 = System.nanoTime();
        try (var producer = new KafkaProducer<String, byte[]>(cluster.kafka().clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            // each run's fleet starts now: its events are live ones, later than any earlier run's
            new BenchFleet(hosts).events(events, System.currentTimeMillis(), (EncodedEvent e) ->
                    producer.send(new ProducerRecord<>(e.topic(), null, e.ts(), e.host(), e.value())));
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        long stored = StoredEventsWait.await(() -> StoredEventsWait.rawEvents(history) - before, events, patience, t0, err);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "sent: %,d events of %,d hosts in %.1f s (%,.0f events/s into Kafka, acks=all, 3 copies)%n",
                events, hosts, sendSeconds, events / sendSeconds);
        out.printf(Locale.ROOT, "stored: %,d raw events in %.1f s: %,.0f events/s sustained at parallelism %d (%,.0f per slot)%s%n",
                stored, seconds, stored / seconds, parallelism, stored / seconds / parallelism,
                stored < events ? " (NOT ALL: gave up after " + patience + ")" : "");
        out.flush();
        return stored < events ? Culprit.EXIT_RUNTIME : 0;
    }

    /** The parallelism of the one running job, or an error saying `culprit submit` first. */
    private static int runningParallelism(LocalCluster cluster) throws Exception {
        FlinkRest rest = cluster.rest();
        for (var job : rest.get("/jobs/overview").path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                int parallelism = 0;
                for (var vertex : rest.get("/jobs/" + job.path("jid").asText()).path("vertices")) {
                    parallelism = Math.max(parallelism, vertex.path("parallelism").asInt());
                }
                return parallelism;
            }
        }
        throw new IllegalStateException("no job runs on " + cluster.restUri() + ": `culprit submit` starts it");
    }
}
