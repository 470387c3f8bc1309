package dev.culprit.app;

import dev.culprit.events.Alert;
import dev.culprit.events.EncodedEvent;
import dev.culprit.rules.RuleSet;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * {@code culprit bench pipeline}: a fleet's events into the embedded Kafka, through the live
 * detection job (the one {@code culprit demo} and {@code culprit run} start: raw events kept in H2,
 * incidents stored, alerts on the topic and the console) until every event is stored.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Sends a fleet's events through embedded Kafka, the live job, H2 and the alert outlets.",
            "Prints sustained events/s, latency from an event's arrival in Kafka to the alert it fired (p50/p99), heap, RSS, CPU."})
final class PipelineBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", defaultValue = "200", paramLabel = "N", description = "Hosts in the fleet (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--events", defaultValue = "300000", paramLabel = "N", description = "Events to send (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "EVENTS/S",
            description = "Send at most this many events a second; 0 sends as fast as Kafka takes them (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--patience", defaultValue = "10m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up when the events are not all stored after this long (default: ${DEFAULT-VALUE}).")
    Duration patience;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (hosts < 1 || events < 1 || rate < 0) {
            err.println("culprit bench pipeline: --hosts and --events must be at least 1, --rate at least 0");
            return Culprit.EXIT_USAGE;
        }
        out.println(BenchMachine.describe());
        out.flush();
        Path dataDir = Files.createTempDirectory("culprit-bench-pipeline");
        Map<String, SentTimes> sent = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = Pipeline.start(runtime, null, RuleSet.DEFAULT, Duration.ofDays(7),
                     new PrintStream(OutputStream.nullOutputStream()), false,
                     List.of(alert -> latency(alert, sent, latencies)), List.of())) {
            // the fleet's time starts now, so that its alerts are live ones and nothing is judged against history
            BenchFleet fleet = new BenchFleet(hosts);
            System.gc();
            BenchMachine.resetPeakResident();
            double cpu0 = BenchMachine.cpuSeconds();
            long t0 = System.nanoTime();
            send(runtime, fleet, sent);
            double sendSeconds = (System.nanoTime() - t0) / 1e9;
            long stored = StoredEventsWait.await(() -> StoredEventsWait.rawEvents(runtime.database().access()), events, patience, t0, err);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = BenchMachine.cpuSeconds() - cpu0;
            Thread.sleep(2_000); // the last alerts' way to the outlets
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            out.printf(Locale.ROOT, "sent: %,d events of %,d hosts in %.1f s (%,.0f events/s into Kafka)%n",
                    events, hosts, sendSeconds, events / sendSeconds);
            out.printf(Locale.ROOT, "stored: %,d raw events in %.1f s: %,.0f events/s sustained%s%n", stored, seconds, stored / seconds,
                    stored < events ? " (NOT ALL: gave up after " + patience + ")" : "");
            out.printf(Locale.ROOT, "alerts: %,d; latency from the firing event's arrival in Kafka: p50 %s, p99 %s, max %s%n",
                    sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0));
            out.printf(Locale.ROOT, "memory: heap in use %,d MiB of %,d MiB, RSS peak %,d MiB; CPU %.1f s (%.2f cores)%n",
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, BenchMachine.peakResidentMiB(), cpu, cpu / seconds);
            out.flush();
            return stored < events || sorted.length == 0 ? Culprit.EXIT_RUNTIME : 0;
        } finally {
            BenchMachine.deleteScratch(dataDir);
        }
    }

    private void send(EmbeddedRuntime runtime, BenchFleet fleet, Map<String, SentTimes> sent) {
        long started = System.nanoTime();
        long[] made = {0};
        try (var producer = new KafkaProducer<String, byte[]>(runtime.kafka().clientConfig(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            fleet.events(events, System.currentTimeMillis(), (EncodedEvent e) -> {
                if (rate > 0) {
                    long due = started + made[0] * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                made[0]++;
                SentTimes times = sent.computeIfAbsent(e.host(), h -> new SentTimes());
                producer.send(new ProducerRecord<>(e.topic(), null, e.ts(), e.host(), e.value()),
                        (metadata, failure) -> {
                            if (failure == null) {
                                times.add(e.ts(), System.nanoTime());
                            }
                        });
            });
        }
    }

    /** From when Kafka acknowledged the host's first event at or after the alert's time to the alert reaching the outlets. */
    private static void latency(Alert alert, Map<String, SentTimes> sent, ConcurrentLinkedQueue<Long> latencies) {
        long now = System.nanoTime();
        SentTimes times = sent.get(alert.host());
        long at = times == null ? -1 : times.ackedAt(alert.ts());
        if (at > 0) {
            latencies.add(Math.max(0, now - at));
        }
    }

    private static String percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return "n/a";
        }
        long nanos = sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1)];
        return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
    }

    /** One host's event times and when Kafka acknowledged each, in the order sent (the host's time order). */
    private static final class SentTimes {
        private long[] ts = new long[1024];
        private long[] acked = new long[1024];
        private int size;

        synchronized void add(long eventTs, long ackedNanos) {
            if (size == ts.length) {
                ts = Arrays.copyOf(ts, size * 2);
                acked = Arrays.copyOf(acked, size * 2);
            }
            // acknowledgements of one partition come in order, and one host is one partition
            ts[size] = eventTs;
            acked[size] = ackedNanos;
            size++;
        }

        /** When the first event at or after {@code eventTs} was acknowledged; -1 if none was. */
        synchronized long ackedAt(long eventTs) {
            int i = Arrays.binarySearch(ts, 0, size, eventTs);
            if (i < 0) {
                i = -i - 1;
            } else {
                while (i > 0 && ts[i - 1] == eventTs) {
                    i--;
                }
            }
            return i < size ? acked[i] : -1;
        }
    }
}
