package dev.culprit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final long TS = 1_764_444_000_000L;

    static Stream<Event> everyKind() {
        Incident incident = new Incident("web1", "iowait-job", TS, 1, "web1-iowait-1764444000000",
                IncidentKind.IOWAIT, Severity.CRITICAL, "iowait", TS - 10_000, null, null, "iowait 42% on sda",
                List.of(new Culprit("process", "4211 dd", Map.of("writeBytesPerSec", 1.2e8))), List.of());
        return Stream.of(
                new CpuSample("web1", "proc", TS, 1, 1000, 30.0, 2.5, 7.5, 12.5, 0.5, 47.0, 3.2, 1.1, 120L),
                new CpuSample("web1", "proc", TS, 1, 1000, 1, 0, 1, 0, 0, 98, null, null, null),
                new DiskSample("web1", "proc", TS, 1, "sda", 1000, 1, 250, 12, 3, 4, 256_000, 6_144, 0.5, 12.25, 0.75, 1.5, 3.1, 99.0),
                new ProcessIoSample("web1", "proc", TS, 1, 4211, 3_811_230L, 4200, "dd", "dd if=/dev/zero of=/var/tmp/x", "D",
                        1000, 0, 1.2e8, null, 3, "/user.slice", null, List.of("sda"), List.of("/var/tmp/x")),
                new ApacheStatus("web1", "apache", TS, 1, "http://127.0.0.1/server-status", true, null,
                        3600L, 123_456L, 250.0, 150, 0, Map.of("sending", 140, "reading", 10),
                        List.of(new ApacheStatus.WorkerRequest("203.0.113.7", "www.example.org", "GET / HTTP/1.1", "W", 0L))),
                new ApacheStatus("web1", "apache", TS, 1, "http://127.0.0.1/server-status", false,
                        "connect timed out", null, null, null, null, null, null, null),
                new AccessTally("web1", "apache-access-log", TS, 1, "/var/log/apache2/access.log", "2001:db8::7", false,
                        "shop.example.org", 412, 0, 400, 2, 10, 0, 1_234_567, 81_920L),
                new AccessTally("web1", "apache-access-log", TS, 1, "access.log.2.gz", "crawler.example.net", true,
                        null, 1, 0, 0, 0, 0, 1, 0, null),
                new EvasiveEvent("web1", "evasive", TS, 1, EvasiveEvent.Kind.DENIED, "203.0.113.7", "/var/www/html/index.html", 412, null, null, null),
                new PhpMail("web1", "phpmail", TS, 1, "/var/www/html/wp-content/uploads/x.php", 12,
                        PhpMail.Origin.FILE, List.of("a@example.com", "b@example.net"), "Win now", null, null),
                new DeadLetter("web1", "phpmail", TS, 1, "/var/log/php/mail.log", 4096, "no [FILE:LINE] origin", "garbage"),
                incident,
                new Alert("web1", "iowait-job", TS, 1, Alert.State.FIRING, incident));
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindSurvivesARoundTrip(Event event) {
        byte[] json = EventCodec.encode(event);

        assertThat(EventCodec.decode(json, event.getClass())).isEqualTo(event);
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyKindHasATopic(Event event) {
        if (event instanceof Incident) {
            return; // incidents travel inside alerts and live in H2; no topic of their own
        }
        assertThat(Topics.typeOf(Topics.of(event))).isEqualTo(event.getClass());
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        String json = "{\"source\":\"proc\",\"ts\":1,\"v\":1,\"device\":\"sda\",\"intervalMs\":1000,"
                + "\"readsPerSec\":0,\"writesPerSec\":0,\"readKbPerSec\":0,\"writeKbPerSec\":0,"
                + "\"readAwaitMs\":0,\"writeAwaitMs\":0,\"queueSize\":0,\"utilPct\":0}";

        assertThatThrownBy(() -> EventCodec.decode(json, DiskSample.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("'host'");
    }

    @Test
    void aDiskSampleArchivedBeforeDiscardsAndFlushesReadsThemAsZero() {
        String json = "{\"host\":\"web1\",\"source\":\"proc\",\"ts\":1,\"v\":1,\"device\":\"sda\",\"intervalMs\":1000,"
                + "\"readsPerSec\":1.0,\"writesPerSec\":250.0,\"readKbPerSec\":4.0,\"writeKbPerSec\":256000.0,"
                + "\"readAwaitMs\":0.5,\"writeAwaitMs\":12.25,\"queueSize\":3.1,\"utilPct\":99.0}";

        assertThat(EventCodec.decode(json, DiskSample.class)).isEqualTo(
                new DiskSample("web1", "proc", 1, 1, "sda", 1000, 1, 250, 0, 0, 4, 256_000, 0, 0.5, 12.25, 0, 0, 3.1, 99.0));
    }

    @Test
    void aCpuSampleArchivedBeforeNiceAndStealReadsThemAsZero() {
        String json = "{\"host\":\"web1\",\"source\":\"proc\",\"ts\":1,\"v\":1,\"intervalMs\":1000,"
                + "\"iowaitPct\":12.5,\"userPct\":30.0,\"systemPct\":7.5,\"idlePct\":50.0,"
                + "\"ioSomeAvg10\":3.2,\"ioFullAvg10\":1.1,\"ioSomeStallMs\":120}";

        assertThat(EventCodec.decode(json, CpuSample.class)).isEqualTo(
                new CpuSample("web1", "proc", 1, 1, 1000, 30.0, 0, 7.5, 12.5, 0, 50.0, 3.2, 1.1, 120L));
    }

    @Test
    void aFieldThatWasAlwaysThereIsStillRequired() {
        String json = EventCodec.encodeToString(
                new DiskSample("web1", "proc", TS, 1, "sda", 1000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13))
                .replace("\"utilPct\":13.0", "\"utilPctx\":13.0");

        assertThatThrownBy(() -> EventCodec.decode(json, DiskSample.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("utilPct");
    }

    @Test
    void aNullRequiredFieldIsNamed() {
        String json = EventCodec.encodeToString(
                new DeadLetter("web1", "phpmail", TS, 1, "f", 0, "why", "raw")).replace("\"raw\"", "\"rawx\"");

        assertThatThrownBy(() -> EventCodec.decode(json, DeadLetter.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("raw");
    }

    @Test
    void anUnknownSchemaVersionIsRefused() {
        String json = EventCodec.encodeToString(
                new CpuSample("web1", "proc", TS, 1, 1000, 1, 0, 1, 1, 0, 97, null, null, null)).replace("\"v\":1", "\"v\":7");

        assertThatThrownBy(() -> EventCodec.decode(json, CpuSample.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("'v'")
                .hasMessageContaining("7");
    }

    @Test
    void aProcessSampleFromAnArchiveWrittenBeforeStartTimesWereSentStillReads() {
        // a line of app/src/main/resources/scenarios/iowait.jsonl.gz, as the collector wrote it then
        String json = "{\"host\":\"demo-iowait\",\"source\":\"proc\",\"ts\":1795986644868,\"v\":1,\"pid\":26867,"
                + "\"ppid\":26764,\"comm\":\"timeout\",\"cmdline\":\"timeout 30 bash -c while :; do dd ...; done\","
                + "\"state\":\"X\",\"intervalMs\":1000,\"readBytesPerSec\":1105920.0,\"writeBytesPerSec\":3.4360942592E10,"
                + "\"blkioDelayMs\":null,\"dStateSamples\":0,\"cgroup\":\"/process_api/34a3c9018195407a9879beeb692d214c\","
                + "\"containerId\":null,\"disks\":[],\"files\":[]}";

        ProcessIoSample sample = EventCodec.decode(json, ProcessIoSample.class);

        assertThat(sample.pid()).isEqualTo(26867);
        assertThat(sample.startedMsAfterBoot()).as("unknown, not 0 ms after boot").isNull();
        assertThat(sample.comm()).isEqualTo("timeout");
    }

    @Test
    void logEventsArchivedBeforeTheyCarriedTheirLinesPlaceStillRead() {
        // lines of the shipped mail and DoS scenarios (app/src/main/resources/scenarios/), as collectors wrote them then
        PhpMail mail = EventCodec.decode("{\"host\":\"demo-mail\",\"source\":\"php-mail-log\",\"ts\":1795984835000,\"v\":1,"
                + "\"script\":\"/var/www/html/contact.php\",\"line\":6,\"origin\":\"FILE\",\"recipients\":[\"info@example.com\"],"
                + "\"subject\":\"Contact form: message from Alice 1\"}", PhpMail.class);
        EvasiveEvent denial = EventCodec.decode("{\"host\":\"demo-dos\",\"source\":\"apache-error-log\",\"ts\":1795984779171,"
                + "\"v\":1,\"kind\":\"DENIED\",\"client\":\"127.0.0.66\",\"path\":\"/var/www/html/wp-login.php\",\"count\":120,"
                + "\"detail\":null}", EvasiveEvent.class);

        assertThat(mail.script()).isEqualTo("/var/www/html/contact.php");
        assertThat(mail.file()).as("unknown").isNull();
        assertThat(mail.offset()).isNull();
        assertThat(denial.count()).isEqualTo(120);
        assertThat(denial.file()).isNull();
        assertThat(denial.at("/var/log/apache2/error.log", 4096)).extracting(EvasiveEvent::file, EvasiveEvent::offset)
                .containsExactly("/var/log/apache2/error.log", 4096L);
    }

    @Test
    void aProcessSampleStillNeedsItsOtherFields() {
        String json = EventCodec.encodeToString(new ProcessIoSample("web1", "proc", TS, 1, 4211, 3_811_230L, 4200, "dd",
                "dd", "R", 1000, 0, 1.2e8, null, 0, "/", null, List.of(), List.of())).replace("\"ppid\":4200,", "");

        assertThatThrownBy(() -> EventCodec.decode(json, ProcessIoSample.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("'ppid'");
    }

    @Test
    void aMistypedFieldIsNamed() {
        String json = EventCodec.encodeToString(
                new CpuSample("web1", "proc", TS, 1, 1000, 1, 0, 1, 1, 0, 97, null, null, null))
                .replace("\"iowaitPct\":1.0", "\"iowaitPct\":\"high\"");

        assertThatThrownBy(() -> EventCodec.decode(json, CpuSample.class))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("iowaitPct");
    }
}
