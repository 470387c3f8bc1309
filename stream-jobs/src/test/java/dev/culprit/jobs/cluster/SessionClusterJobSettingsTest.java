package dev.culprit.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.culprit.events.access.OwnerOnlyFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's settings: each mistake is refused at submission, naming the setting and what it must be. */
class SessionClusterJobSettingsTest {

    @TempDir
    Path dir;

    private Path logins;

    @BeforeEach
    void loginsFile() {
        logins = dir.resolve("database.properties");
        OwnerOnlyFile.create(logins, "admin.user=A\nadmin.password=a\npipeline.user=CULPRIT\npipeline.password=p\n"
                + "reader.user=R\nreader.password=r\n");
    }

    private Map<String, String> valid() {
        return Map.of("bootstrap-servers", "127.0.0.1:9092", "db-url", "jdbc:h2:tcp://127.0.0.1:9123/culprit-cluster",
                "db-logins", logins.toString());
    }

    @Test
    void settingsComeFromArgumentsOrElseTheEnvironment() {
        SessionClusterJob.Settings fromArguments = SessionClusterJob.Settings.of(valid(), Map.of("CULPRIT_CHECKPOINT_INTERVAL", "30s"));
        assertThat(fromArguments.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(fromArguments.database().login().user()).as("the pipeline login, not the admin").isEqualTo("CULPRIT");
        assertThat(fromArguments.checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fromArguments.parallelism()).as("unset: the submission's").isZero();

        SessionClusterJob.Settings fromEnvironment = SessionClusterJob.Settings.of(Map.of(), Map.of(
                "CULPRIT_BOOTSTRAP_SERVERS", "kafka:19092", "CULPRIT_DB_URL", "jdbc:h2:tcp://h2:9092/culprit-cluster",
                "CULPRIT_DB_LOGINS", logins.toString(), "CULPRIT_PARALLELISM", "4"));
        assertThat(fromEnvironment.kafka().bootstrapServers()).isEqualTo("kafka:19092");
        assertThat(fromEnvironment.parallelism()).isEqualTo(4);
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(Map.of(), Map.of()))
                .hasMessageContaining("--bootstrap-servers (or $CULPRIT_BOOTSTRAP_SERVERS) is required");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("db-url", "jdbc:h2:file:/tmp/x"), Map.of()))
                .hasMessageContaining("--db-url must be an H2 server's URL");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("db-url", "jdbc:h2:tcp://h/x;INIT=RUNSCRIPT FROM 'y'"), Map.of()))
                .hasMessageContaining("takes no ;SETTINGS");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("parallelism", "0"), Map.of()))
                .hasMessageContaining("--parallelism must be a whole number above 0, not 0");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("checkpoint-interval", "often"), Map.of()))
                .hasMessageContaining("--checkpoint-interval must be a duration above 0");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("paralelism", "2"), Map.of()))
                .hasMessageContaining("unknown argument --paralelism");
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(with("rules", dir.resolve("none").toString()), Map.of()))
                .hasMessageContaining("--rules " + dir.resolve("none") + " is not a directory");
    }

    @Test
    void aLoginsFileOthersCanReadIsRefused() throws Exception {
        Files.setPosixFilePermissions(logins, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SessionClusterJob.Settings.of(valid(), Map.of()))
                .hasMessageContaining("--db-logins " + logins);
    }

    @Test
    void helpListsEverySettingWithItsVariable() {
        for (SessionClusterJob.Setting s : SessionClusterJob.Setting.values()) {
            assertThat(SessionClusterJob.usage()).contains("--" + s.argument, "$" + s.variable);
        }
    }

    private Map<String, String> with(String key, String value) {
        Map<String, String> settings = new java.util.HashMap<>(valid());
        settings.put(key, value);
        return settings;
    }
}
