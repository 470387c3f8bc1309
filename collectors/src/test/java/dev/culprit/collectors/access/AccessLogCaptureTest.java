package dev.culprit.collectors.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * apache-access.sh's real logs read back and compared, line by line, with what curl (or the raw
 * socket) saw for the request behind each line: {@code sent.tsv} lists them in the order Apache
 * logged them, since the script never had two requests in flight.
 */
class AccessLogCaptureTest {

    static final Path CAPTURED = Path.of("src/test/resources/captured/access");

    /** One row of sent.tsv; {@code path} and {@code bodyBytes} are "-" for raw requests, {@code status} for HTTP/0.9. */
    record Sent(String file, String client, String vhost, String method, String path, String status,
                long headerBytes, String bodyBytes, long startMs, long endMs) {

        boolean raw() {
            return path.equals("-");
        }

        /** What %O logs: every byte of the response. For raw requests that is all that was read back. */
        long bytesSent() {
            return raw() ? headerBytes : headerBytes + Long.parseLong(bodyBytes);
        }
    }

    static List<Sent> sent(String file) throws IOException {
        List<Sent> rows = new ArrayList<>();
        for (String row : Files.readAllLines(CAPTURED.resolve("sent.tsv"), StandardCharsets.UTF_8)) {
            String[] f = row.split("\t", -1);
            if (!row.startsWith("#") && f[0].equals(file)) {
                rows.add(new Sent(f[0], f[1], f[2], f[3], f[4], f[5], Long.parseLong(f[6]), f[7], Long.parseLong(f[8]), Long.parseLong(f[9])));
            }
        }
        return rows;
    }

    /** Every line of a captured log must read: Apache wrote each of them with this format. */
    static List<AccessLogLine> readAll(String file, AccessLogFormat format) throws IOException {
        List<AccessLogLine> lines = new ArrayList<>();
        for (String line : Files.readAllLines(CAPTURED.resolve(file), StandardCharsets.UTF_8)) {
            AccessLogFormat.Reading reading = format.read(line);
            assertThat(reading).as(file + ": " + line).isInstanceOf(AccessLogFormat.Request.class);
            lines.add(((AccessLogFormat.Request) reading).line());
        }
        return lines;
    }

    /** The format of a LogFormat line in logformats.txt, by its nickname, exactly as the configuration wrote it. */
    static String configured(String nickname) throws IOException {
        for (String line : Files.readAllLines(CAPTURED.resolve("logformats.txt"), StandardCharsets.UTF_8)) {
            if (line.startsWith("LogFormat \"") && line.endsWith("\" " + nickname)) {
                return line.substring("LogFormat \"".length(), line.length() - nickname.length() - 2);
            }
        }
        throw new AssertionError("no LogFormat " + nickname + " in logformats.txt");
    }

    @Test
    void theNamedFormatsAreTheOnesDebianAndApacheConfigure() throws IOException {
        assertThat(AccessLogFormat.COMBINED).isEqualTo(configured("combined"));
        assertThat(AccessLogFormat.VHOST_COMBINED).isEqualTo(configured("vhost_combined"));
        assertThat(AccessLogFormat.COMMON).isEqualTo(configured("culprit_common"));
    }

    @Test
    void combinedLinesSayWhatCurlSawOverIpv4AndIpv6() throws IOException {
        List<AccessLogLine> lines = readAll("combined-access.txt", AccessLogFormat.compile(configured("combined")));
        List<Sent> sent = sent("combined-access.txt");

        assertThat(lines).hasSameSizeAs(sent);
        for (int i = 0; i < lines.size(); i++) {
            assertSameRequest(lines.get(i), sent.get(i), sent.get(i).bytesSent());
            assertThat(lines.get(i).vhost()).isNull();
        }
        assertThat(lines).extracting(AccessLogLine::client).contains("::1", "127.0.0.51", "127.0.0.54");
        assertThat(lines).extracting(AccessLogLine::status).contains(200, 301, 302, 400, 403, 404, 414, 500);
    }

    @Test
    void vhostCombinedLinesNameTheVhostThatAnswered() throws IOException {
        List<AccessLogLine> lines = readAll("vhost-combined-access.txt", AccessLogFormat.compile(configured("vhost_combined")));
        List<Sent> sent = sent("vhost-combined-access.txt");

        assertThat(lines).hasSameSizeAs(sent);
        for (int i = 0; i < lines.size(); i++) {
            assertSameRequest(lines.get(i), sent.get(i), sent.get(i).bytesSent());
            assertThat(lines.get(i).vhost()).as(sent.get(i).toString()).isEqualTo(sent.get(i).vhost());
        }
    }

    @Test
    void commonLinesCountBodyBytesAndADashIsNone() throws IOException {
        List<AccessLogLine> lines = readAll("common-access.txt", AccessLogFormat.compile(AccessLogFormat.COMMON));
        List<Sent> sent = sent("common-access.txt");

        assertThat(lines).hasSameSizeAs(sent);
        for (int i = 0; i < lines.size(); i++) {
            Sent s = sent.get(i);
            // %b counts the body; a raw request's body size was not recorded apart from its headers
            assertSameRequest(lines.get(i), s, s.raw() ? lines.get(i).bytes() : Long.parseLong(s.bodyBytes()));
        }
        assertThat(lines).filteredOn(l -> "HEAD".equals(l.method())).singleElement().extracting(AccessLogLine::bytes).isEqualTo(0L);
    }

    @Test
    void aCustomFormatWithAddressesEpochMillisAndBodyBytesReadsTheSameRequests() throws IOException {
        List<AccessLogLine> lines = readAll("custom-access.txt", AccessLogFormat.compile(configured("culprit_custom")));
        List<Sent> sent = sent("combined-access.txt");

        assertThat(lines).hasSameSizeAs(sent);
        for (int i = 0; i < lines.size(); i++) {
            Sent s = sent.get(i);
            assertSameRequest(lines.get(i), s, s.raw() ? lines.get(i).bytes() : Long.parseLong(s.bodyBytes()));
            assertThat(lines.get(i).vhost()).isEqualTo("combined.culprit.test");
            // %{msec}t is exact: between curl's start and the response's end
            assertThat(lines.get(i).ts()).isBetween(s.startMs(), s.endMs());
        }
    }

    @Test
    void hostileRequestLinesArriveEscapedAsApacheWroteThemAndBounded() throws IOException {
        List<AccessLogLine> lines = readAll("combined-access.txt", AccessLogFormat.compile(AccessLogFormat.COMBINED));

        assertThat(lines).extracting(AccessLogLine::path).contains(
                "/quote\\\"in-path", "/control\\x01char", "/escape\\x1b[31mred", "/caf\\xc3\\xa9.html", "/http09");
        assertThat(lines).filteredOn(l -> "HELLO".equals(l.method())).singleElement()
                .satisfies(l -> assertThat(l.path()).isEqualTo("\\\"there\\\"")); // HELLO "there": a 400 still counts
        assertThat(lines).filteredOn(l -> l.path() != null && l.path().startsWith("/aaaa")).singleElement()
                .satisfies(l -> assertThat(l.path()).hasSize(AccessLogFormat.MAX_PATH).endsWith("…"));
        assertThat(lines).allSatisfy(l -> assertThat(l.path()).doesNotContainPattern("\\p{Cc}"));
    }

    private static void assertSameRequest(AccessLogLine line, Sent s, long bytes) {
        assertThat(line.client()).as(s.toString()).isEqualTo(s.client());
        assertThat(line.clientIsHostname()).isFalse();
        if (!s.status().equals("-")) {
            assertThat(line.status()).as(s.toString()).isEqualTo(Integer.parseInt(s.status()));
        }
        assertThat(line.bytes()).as(s.toString()).isEqualTo(bytes);
        // %t has whole seconds: from the second curl started in to when the answer was read
        assertThat(line.ts()).as(s.toString()).isBetween(s.startMs() / 1000 * 1000, s.endMs());
        if (!s.raw()) {
            assertThat(line.method()).as(s.toString()).isEqualTo(s.method());
            if (s.path().length() < AccessLogFormat.MAX_PATH) {
                assertThat(line.path()).as(s.toString()).isEqualTo(s.path());
            }
        }
    }
}
