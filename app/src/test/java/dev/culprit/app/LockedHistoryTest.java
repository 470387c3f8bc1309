package dev.culprit.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.storage.DataDirectory;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history held open by another program that does not share it: Culprit says so, by file, and exits. */
class LockedHistoryTest {

    @TempDir
    Path dir;

    @Test
    void aHistoryAnotherProgramHoldsIsNamedWithWhatToDoByQueryAndByThePipelineAtStart() throws Exception {
        Path dataDir = dir.resolve("data");
        DataDirectory.prepare(dataDir, notice -> { });
        Path output = dir.resolve("holder.out");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ForeignDatabaseHolder.class.getName(), dataDir.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.readString(output).contains(ForeignDatabaseHolder.HOLDING)) {
                assertThat(holder.isAlive()).as(Files.readString(output)).isTrue();
                assertThat(System.currentTimeMillis()).isLessThan(deadline);
                Thread.sleep(100);
            }
            StringWriter err = new StringWriter();

            int exit = CulpritCli.execute(new StringWriter(), err, "query", "incidents", "--data-dir", dataDir.toString());

            assertThat(exit).isEqualTo(Culprit.EXIT_RUNTIME);
            assertThat(err.toString()).startsWith("culprit query incidents: ")
                    .contains("is held open by another program that does not share it", "close that program",
                            dataDir.resolve("culprit.mv.db").toAbsolutePath().toString());

            StringWriter demoErr = new StringWriter();
            int demoExit = CulpritCli.execute(new StringWriter(), demoErr, "demo", "--duration", "5s", "--data-dir", dataDir.toString());

            assertThat(demoExit).as(demoErr.toString()).isEqualTo(Culprit.EXIT_RUNTIME);
            assertThat(demoErr.toString()).contains("is held open by another program that does not share it");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
