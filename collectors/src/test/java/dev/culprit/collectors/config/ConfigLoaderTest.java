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
                .hasMessageStartingWith(file + ":4: sources.access.format: ")
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
    void everyUnknownKeyIsReportedEachOnItsOwnLineWithItsPosition() throws Exception {
        Path file = write("host: web1\nhots: web2\nsources:\n  proc:\n    enabld: true\n  phpmail:\n    enabled: true\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigLoader.ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines()).containsExactly(
                        file + ":2: unknown key 'hots' (known here: host, kafka, sources, spool)",
                        file + ":5: unknown key 'sources.proc.enabld' (known here: enabled, includePartitions, "
                                + "includeVirtualDevices, interval, root, topProcesses)"));
    }

    @Test
    void valuesOfTheWrongKindSayWhatWasExpectedInTheConfigsOwnWordsNotJacksons() throws Exception {
        Path file = write("""
                host: [web1, web2]
                sources:
                  proc:
                    enabled: yes please
                    topProcesses: 2.5
                  apache: on
                  access:
                    log: {path: /var/log/x}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .satisfies(e -> assertThat(e.getMessage().lines()).containsExactly(
                        file + ":1: host: expected a value (text), got a list",
                        file + ":4: sources.proc.enabled: expected true or false, got 'yes please'",
                        file + ":5: sources.proc.topProcesses: expected a whole number, got 2.5",
                        file + ":6: sources.apache: expected keys under it, such as 'apache:' then '  enabled: ...', got true",
                        file + ":8: sources.access.log: expected a path, got keys (a mapping)"));
    }

    @Test
    void aYamlSyntaxMistakeIsNamedByLineInPlainWords() throws Exception {
        Path file = write("host: web1\nsources:\n  proc: [1, 2\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ":3: not valid YAML: expected ',' or ']', but got the end of the file "
                        + "(while parsing a flow sequence)");
    }

    @Test
    void aValueThatParsesButCannotWorkIsNamedWithItsLine() throws Exception {
        Path file = write("host: web1\nsources:\n  proc:\n    interval: soon\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageStartingWith(file + ":4: sources.proc.interval: 'soon' is not a duration");
    }

    @Test
    void aDirectoryIsNotAConfig() {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .hasMessage(dir + ": is a directory; expected a collector config file (YAML, see collectors/collector.example.yaml)");
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"))).hasMessageContaining("no such file");
    }
}
