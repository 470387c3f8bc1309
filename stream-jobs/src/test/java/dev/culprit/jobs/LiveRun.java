package dev.culprit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.events.Alert;
import dev.culprit.events.CpuSample;
import dev.culprit.events.EventCodec;
import dev.culprit.events.Topics;
import dev.culprit.jobs.sinks.IncidentStoreSink;
import dev.culprit.rules.RuleSet;
import dev.culprit.storage.Database;
import dev.culprit.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The detection job on real Kafka and H2, fed while it runs as collectors feed it, and watched
 * through what H2 keeps of one host's incidents.
 */
final class LiveRun {

    /** One second of the paced host's time is published every this many ms. */
    static final long PACE_MS = 100;

    private LiveRun() {}

    /**
     * Runs the job (with {@code moreSinks} beside H2) until {@code host}'s incident is resolved in H2,
     * publishing {@code samples} meanwhile, each to the partition {@code partitionOf} names; returns
     * the host's alerts as the history keeps them.
     */
    static List<String> untilResolved(KafkaCluster kafka, Database db, StreamExecutionEnvironment env, List<Sink<Alert>> moreSinks,
                                      List<CpuSample> samples, ToIntFunction<CpuSample> partitionOf, String host, String group)
            throws Exception {
        List<Sink<Alert>> sinks = new ArrayList<>(moreSinks);
        sinks.add(0, new IncidentStoreSink(db.access()));
        new CulpritJob(KafkaEndpoints.source(kafka.access(), group), sinks, KafkaEndpoints.deadLetterSink(kafka.access()),
                RuleSet.DEFAULT, null, null).build(env);
        JobClient job = env.executeAsync(group);
        Thread publisher = new Thread(() -> publish(kafka, samples, partitionOf, host), "publisher");
        publisher.start();
        try {
            long deadline = System.currentTimeMillis() + 90_000;
            List<String> alerts = alerts(db, host);
            while (alerts.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                alerts = alerts(db, host);
            }
            // the host's alert is not held back until the others' streams pause or catch up
            assertThat(alerts).as("fired while the hosts were still sending").isNotEmpty();
            assertThat(publisher.isAlive()).as("fired while the hosts were still sending").isTrue();
            while (alerts.stream().noneMatch(a -> a.startsWith("resolved ")) && System.currentTimeMillis() < deadline) {
                assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job still running").isFalse();
                Thread.sleep(200);
                alerts = alerts(db, host);
            }
            publisher.join();
            Thread.sleep(2_000); // a flapping incident's second life would show now
            return alerts(db, host);
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Publishes while the job runs, as collectors do: a second of {@code pacedHost}'s time every
     * {@value #PACE_MS} ms. There is no waiting for the job's sources first: each host is judged by
     * its own time, so partitions that are empty or not read yet hold nothing back.
     */
    private static void publish(KafkaCluster kafka, List<CpuSample> samples, ToIntFunction<CpuSample> partitionOf, String pacedHost) {
        try (var producer = new KafkaProducer<byte[], byte[]>(kafka.access().clientConfig(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)))) {
            for (CpuSample s : samples) {
                producer.send(new ProducerRecord<>(Topics.CPU, partitionOf.applyAsInt(s), s.ts(), s.host().getBytes(StandardCharsets.UTF_8),
                        EventCodec.encode(s)));
                if (s.host().equals(pacedHost)) {
                    producer.flush();
                    Thread.sleep(PACE_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The host's alerts as the history keeps them, host left out. */
    static List<String> alerts(Database db, String host) throws Exception {
        List<String> alerts = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement q = c.prepareStatement(
                "SELECT a.state, a.ts, a.severity, i.start_ts, i.end_ts, i.resolution FROM alerts a "
                        + "JOIN incidents i ON i.id = a.incident_id WHERE i.host = ? ORDER BY a.ts, a.state")) {
            q.setString(1, host);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    alerts.add(rs.getString(1).toLowerCase() + " at " + rs.getLong(2) + " " + rs.getString(3) + " from "
                            + rs.getLong(4) + " to " + rs.getObject(5) + " (" + rs.getString(6) + ")");
                }
            }
        }
        return alerts;
    }
}
