package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.CpuSample;
import dev.culprit.events.EncodedEvent;
import dev.culprit.events.Event;
import dev.culprit.events.EventCodec;
import dev.culprit.events.IncidentKind;
import dev.culprit.rules.RuleSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst far above what collectors send (50,000 events of 200 hosts, produced as fast as Kafka
 * takes them) into the embedded pipeline: it slows down, the backlog waits in Kafka, and every
 * event is stored once and the stall in it found, with the job still taking events afterwards.
 */
@Tag("slow")
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class BurstTest {

    private static final int HOSTS = 200;
    private static final int SECONDS = 250;
    private static final String STALLED = "web-7";

    @TempDir
    Path dataDir;

    @Test
    void aBurstOfTheShippedIncidentsOnTwoHundredHostsIsStoredOnce() throws Exception {
        // the shipped real incidents (every event kind a collector sends), as if 200 hosts had them at once
        List<Event> scenarios = DemoScenarios.endingAt(System.currentTimeMillis() - Duration.ofMinutes(30).toMillis());
        List<Event> burst = new ArrayList<>();
        for (int h = 0; burst.size() < 50_000; h++) {
            for (Event e : scenarios) {
                var tree = (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.mapper().valueToTree(e);
                tree.put("host", "web-" + h);
                burst.add(EventCodec.decode(tree, e.getClass()));
            }
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir); Pipeline pipeline = detection(runtime, console)) {
            produce(runtime, burst);
            assertThat(awaitRows(runtime, "SELECT COUNT(*) FROM raw_events", burst.size(), Duration.ofMinutes(3)))
                    .as("raw events stored (each once)").isEqualTo(burst.size());
        }
    }

    @Test
    void aBurstOfFiftyThousandEventsIsStoredOnceAndItsIncidentFoundWithoutKillingTheJob() throws Exception {
        long t0 = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        List<Event> burst = new ArrayList<>();
        for (int s = 0; s < SECONDS; s++) {
            for (int h = 0; h < HOSTS; h++) {
                String host = "web-" + h;
                // one host stalls for 30 s in the middle; the others idle along
                double iowait = host.equals(STALLED) && s >= 100 && s < 130 ? 45 : 1;
                burst.add(new CpuSample(host, "proc", t0 + s * 1000L, 1, 1000, 5, 0, 3, iowait, 0, 91 - iowait, null, null, null));
            }
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir); Pipeline pipeline = detection(runtime, console)) {
            produce(runtime, burst);
            assertThat(awaitRows(runtime, "SELECT COUNT(*) FROM raw_events", burst.size(), Duration.ofMinutes(3)))
                    .as("raw events stored (each once)").isEqualTo(burst.size());

            // still alive: a sample after the burst is taken in and stored too
            CpuSample after = new CpuSample("web-0", "proc", t0 + SECONDS * 1000L + 5_000, 1, 1000, 5, 0, 3, 1, 0, 90, null, null, null);
            produce(runtime, List.of(after));
            assertThat(awaitRows(runtime, "SELECT COUNT(*) FROM raw_events", burst.size() + 1, Duration.ofMinutes(1)))
                    .as("raw events after one more sample").isEqualTo(burst.size() + 1);
            assertThat(awaitRows(runtime, "SELECT COUNT(*) FROM incidents WHERE host = '" + STALLED + "' AND kind = '"
                    + EventCodec.mapper().convertValue(IncidentKind.IOWAIT, String.class) + "'", 1, Duration.ofSeconds(30))).as("I/O-wait incidents of %s; console: %s", STALLED, console).isEqualTo(1);
            assertThat(awaitRows(runtime, "SELECT COUNT(*) FROM incidents", 1, Duration.ofSeconds(1))).as("incidents of all hosts").isEqualTo(1);
        }
    }

    /** The embedded pipeline with the shipped rules and no collector of its own: the test is the only producer. */
    private static Pipeline detection(EmbeddedRuntime runtime, ByteArrayOutputStream console) throws Exception {
        return Pipeline.start(runtime, null, RuleSet.DEFAULT, Duration.ofDays(7),
                new PrintStream(console, true, StandardCharsets.UTF_8), false, List.of(), List.of());
    }

    private static void produce(EmbeddedRuntime runtime, List<Event> events) {
        try (var producer = new KafkaProducer<String, byte[]>(runtime.kafka().clientConfig(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (Event e : events) {
                EncodedEvent encoded = EncodedEvent.of(e);
                producer.send(new ProducerRecord<>(encoded.topic(), null, encoded.ts(), encoded.host(), encoded.value()));
            }
        }
    }

    /** The count once it reaches {@code expected} (then a moment more, for duplicates to show), or when time is up. */
    private static long awaitRows(EmbeddedRuntime runtime, String countSql, long expected, Duration patience) throws Exception {
        long deadline = System.currentTimeMillis() + patience.toMillis();
        long rows;
        do {
            rows = count(runtime, countSql);
            if (rows >= expected) {
                Thread.sleep(2_000);
                return count(runtime, countSql);
            }
            Thread.sleep(500);
        } while (System.currentTimeMillis() < deadline);
        return rows;
    }

    private static long count(EmbeddedRuntime runtime, String countSql) throws Exception {
        try (Connection c = runtime.database().connect(); ResultSet rs = c.createStatement().executeQuery(countSql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
