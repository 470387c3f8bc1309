package dev.culprit.collectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRegistryTest {

    @TempDir
    Path dir;

    private final SourceRegistry.Context here = new SourceRegistry.Context("web1", Clock.systemUTC(), Map.of());

    @Test
    void everySectionOfTheConfigsSourcesIsARegisteredKind() {
        assertThat(SourceRegistry.kinds()).containsExactly(Arrays.stream(CollectorConfig.Sources.class.getRecordComponents())
                .map(c -> c.getName()).toArray(String[]::new));
    }

    @Test
    void theDefaultConfigSamplesProcOnly() {
        assertThat(SourceRegistry.configured(new CollectorConfig(null, null, null, null), here))
                .extracting(Source::name).containsExactly("proc");
    }

    @Test
    void eachEnabledSectionGivesItsSourcesInRegistrationOrder() throws Exception {
        Path dosLogDir = Files.createDirectories(dir.resolve("evasive"));
        CollectorConfig config = load("""
                sources:
                  proc:
                    enabled: false
                  phpmail:
                    enabled: true
                    log: %s
                    syslog: %s
                  apache:
                    enabled: true
                  evasive:
                    enabled: true
                    dosLogDir: %s
                    errorLog: %s
                    syslog: %s
                """.formatted(dir.resolve("mail.log"), dir.resolve("syslog"), dosLogDir, dir.resolve("error.log"),
                dir.resolve("syslog")));

        assertThat(SourceRegistry.configured(config, here)).extracting(Source::name).containsExactly(
                "apache", "evasive-error-log", "evasive-syslog", "doslogdir", "phpmail-log", "phpmail-syslog");
    }

    private CollectorConfig load(String yaml) throws IOException {
        return ConfigLoader.load(Files.writeString(dir.resolve("collector.yaml"), yaml));
    }
}
