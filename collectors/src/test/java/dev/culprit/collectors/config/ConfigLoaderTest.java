package dev.culprit.collectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theShippedExampleLoadsWithItsDefaults() {
        CollectorConfig config = ConfigLoader.load(Path.of("collector.example.yaml"));

        assertThat(config.sources().proc().enabled()).isTrue();
        assertThat(config.sources().proc().every()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.sources().apache().enabled()).isFalse();
        assertThat(config.spool().maxBytes()).isEqualTo(256L << 20);
        assertThat(config.sources().access()).isEqualTo(new CollectorConfig(null, null, null, null).sources().access());
    }

    @Test
    void aLogFormatWithAnUnknownDirectiveFailsAtStartNamingIt() throws Exception {
        Path file = write("sources:\n  access:\n    enabled: true\n    format: '%h %t \"%r\" %>s %Q'\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageStartingWith(file + ": sources.access.format: ")
                .hasMessageContaining("%Q");
    }

    @Test
    void anEmptyFileMeansAllDefaults() throws Exception {
        CollectorConfig config = ConfigLoader.load(write(""));

        assertThat(config.sources().phpmail().log()).isEqualTo(Path.of("/var/log/php/mail.log"));
        assertThat(config.sources().proc().topProcesses()).isEqualTo(10);
    }

    @Test
    void anUnknownKeyInAFlowMappingIsNamedWithItsOwnLine() throws Exception {
        Path file = write("host: web1\nsources:\n  proc: {interval: 1s,\n         intervall: 2s}\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageStartingWith(file + ":4: unknown key 'sources.proc.intervall'");
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() throws Exception {
        Path file = write("sources:\n  proc:\n    intervall: 2s\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(file + ":3:")
                .hasMessageContaining("unknown key 'sources.proc.intervall'")
                .hasMessageContaining("interval");
    }

    @Test
    void aWrongTypeIsNamedWithItsLine() throws Exception {
        Path file = write("sources:\n  proc:\n    topProcesses: many\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining(file + ":3:")
                .hasMessageContaining("sources.proc.topProcesses");
    }

    @Test
    void everyUnusableValueIsReportedAtOnce() throws Exception {
        Path file = write("""
                spool:
                  maxSize: lots
                sources:
                  proc:
                    interval: soon
                  apache:
                    enabled: true
                    url: ftp://example.org/status
                  phpmail:
                    timeZone: Mars/Olympus
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining("sources.proc.interval: 'soon' is not a duration")
                .hasMessageContaining("sources.apache: apache status url must be an http(s) URL")
                .hasMessageContaining("sources.phpmail.timeZone: unknown time zone 'Mars/Olympus'")
                .hasMessageContaining("spool.maxSize:");
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"))).hasMessageContaining("no such file");
    }
}
