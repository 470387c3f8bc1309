package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.rules.RuleSet;
import dev.culprit.jobs.sinks.RawEventSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running pipeline takes a threshold pushed with `culprit rules push` without a restart. */
@Tag("slow")
class HotReloadTest {

    @TempDir
    Path dir;

    @Test
    void aPushedThresholdTakesEffectInTheRunningJobAndABadOneIsRefused() throws Exception {
        Path dataDir = dir.resolve("data");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        // At start nothing on this machine can reach 100 % of everything at once.
        RuleSet never = RuleSet.DEFAULT.withIowait(new dev.culprit.rules.iowait.IoWaitRule(
                "iowait", 100, 100, 1e9, 1e9, 100, 1_000, 30_000, 30_000, 60_000));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        CollectorConfig procEvery500ms = new CollectorConfig("reload-host", null, null, new CollectorConfig.Sources(
                new CollectorConfig.Proc(true, Path.of("/proc"), "500ms", null, null, null), null, null, null, null));

        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(dataDir);
             Pipeline pipeline = Pipeline.start(runtime, procEvery500ms, never, RawEventSink.DEFAULT_RETENTION,
                     new PrintStream(console, true, StandardCharsets.UTF_8), false, List.of(), List.of())) {
            Thread.sleep(8_000);
            assertThat(console.toString(StandardCharsets.UTF_8)).as("no incident under the start rules").isEmpty();

            Files.writeString(rules.resolve("iowait.yaml"), "kind: iowait\nname: iowait-any\nfor: 1s\nthresholds:\n  iowaitPct: 200\n");
            assertThat(push(rules, dataDir)).as("a rule with a mistake is refused").isEqualTo(2);

            Files.writeString(rules.resolve("iowait.yaml"), "kind: iowait\nname: iowait-any\nfor: 1s\nthresholds:\n  iowaitPct: 0\n");
            assertThat(push(rules, dataDir)).isEqualTo(0);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(console.toString(StandardCharsets.UTF_8)).contains("FIRING").contains("reload-host"));
        }
    }

    private static int push(Path rules, Path dataDir) {
        return Culprit.commandLine()
                .setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(new StringWriter()))
                .execute("rules", "push", rules.toString(), "--data-dir", dataDir.toString());
    }
}
