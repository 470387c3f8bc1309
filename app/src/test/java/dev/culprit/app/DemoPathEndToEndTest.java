package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.iowait.IoWaitRule;
import dev.culprit.jobs.sinks.RawEventSink;
import dev.culprit.testkit.ListeningSockets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This machine's /proc → sampler → Kafka → Flink → H2 and the console, all real. */
@Tag("slow")
class DemoPathEndToEndTest {

    @TempDir
    Path dataDir;

    @Test
    void aCrossedThresholdIsStoredAndPrinted() throws Exception {
        IoWaitRule anyIowait = new IoWaitRule("iowait", 0, 100, 1e9, 1e9, 100, 2_000, 30_000, 30_000, 60_000);
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = Pipeline.start(runtime, sampleProcEvery500ms(), RuleSet.DEFAULT.withIowait(anyIowait), RawEventSink.DEFAULT_RETENTION,
                     new PrintStream(console, true, StandardCharsets.UTF_8), false, java.util.List.of(), java.util.List.of())) {

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(storedIncidents(runtime)).contains("e2e-host|iowait|iowait|open"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(console.toString(StandardCharsets.UTF_8))
                            .contains("FIRING").contains("iowait").contains("e2e-host"));

            // what `ss -ltnp` shows for a running demo: broker, controller, H2, Flink REST and blob server, all loopback
            var listening = ListeningSockets.ofThisProcess();
            assertThat(listening).as("sockets this demo listens on").hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(l -> assertThat(l.address().isLoopbackAddress()).as(l.toString()).isTrue());
        }
    }

    private static CollectorConfig sampleProcEvery500ms() {
        return new CollectorConfig("e2e-host", null, null, new CollectorConfig.Sources(
                new CollectorConfig.Proc(true, Path.of("/proc"), "500ms", null, null, null), null, null, null, null));
    }

    private static String storedIncidents(EmbeddedRuntime runtime) throws Exception {
        StringBuilder rows = new StringBuilder();
        try (Connection c = runtime.database().connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT i.host, i.kind, i.rule, i.end_ts, a.state FROM incidents i "
                     + "JOIN alerts a ON a.incident_id = i.id")) {
            while (rs.next()) {
                rows.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getString(3))
                        .append('|').append(rs.getObject(4) == null ? "open" : "closed").append('\n');
            }
        }
        return rows.toString();
    }
}
