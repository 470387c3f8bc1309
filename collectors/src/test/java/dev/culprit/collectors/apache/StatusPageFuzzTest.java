package dev.culprit.collectors.apache;

import static dev.culprit.collectors.apache.StatusServer.Response.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.culprit.collectors.CaptureClock;
import dev.culprit.events.ApacheStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Garbled, cut-off and random pages: the parsers refuse them with {@link StatusFormatException}
 * and nothing else, and the poller turns whatever a server sends into an event. Seeded, so a
 * failure names the variant that reproduces it.
 */
class StatusPageFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 20261129L);
    private static final String ALPHABET = "_SRWKDCLGI.: \t\n\r<>/&;#x0123456789abcdefABCDEF=\"'-é\u0000\uFFFF";

    private final Random random = new Random(SEED);
    private final List<String> captured = capturedPages();

    @Test
    void parsersThrowNothingButTheirFormatError() {
        int refused = 0;
        for (int i = 0; i < 100_000; i++) {
            String variant = variant();
            try {
                ServerStatusParser.parse(variant);
            } catch (StatusFormatException e) {
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("ServerStatusParser, seed " + SEED + " variant " + i + ": " + e + "\n" + variant, e);
            }
            try {
                ExtendedStatusParser.parse(variant);
            } catch (StatusFormatException e) {
                refused++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("ExtendedStatusParser, seed " + SEED + " variant " + i + ": " + e + "\n" + variant, e);
            }
        }
        assertThat(refused).as("the variants reach the error paths too").isGreaterThan(10_000);
    }

    @Test
    void thePollerAlwaysGivesAnEventAndNeverANegativeRate() throws IOException {
        try (StatusServer apache = new StatusServer()) {
            CaptureClock clock = new CaptureClock(1_795_984_717_048L);
            ApacheStatusSettings settings = new ApacheStatusSettings(apache.url(), true, null, null, null, null);
            ApacheStatusPoller poller = new ApacheStatusPoller("web1", settings, Map.of(), clock);
            int reachable = 0;
            for (int i = 0; i < 2_000; i++) {
                int[] codes = {200, 200, 200, 200, 200, 204, 301, 403, 500, 503};
                apache.auto(new StatusServer.Response(codes[random.nextInt(codes.length)], variant()))
                        .html(page(variant()));
                // The clock may even step back (NTP); that must not give a rate either.
                clock.set(clock.millis() + random.nextInt(5_000) - 500);

                ApacheStatus status = poller.poll();

                assertThat(status).as("seed " + SEED + " poll " + i).isNotNull();
                assertThat(String.valueOf(status.error())).as("seed " + SEED + " poll " + i + ": a failure we did not foresee")
                        .doesNotStartWith("unexpected");
                if (status.requestsPerSec() != null) {
                    assertThat(status.requestsPerSec()).as("seed " + SEED + " poll " + i).isFinite().isNotNegative();
                }
                reachable += status.reachable() ? 1 : 0;
            }
            assertThat(reachable).as("some variants still read as status pages").isPositive();
        }
    }

    /** A captured page or a run of its lines, mutated a few times; now and then pure noise. */
    private String variant() {
        if (random.nextInt(20) == 0) {
            return noise(random.nextInt(400));
        }
        String page = captured.get(random.nextInt(captured.size()));
        StringBuilder text = new StringBuilder(random.nextBoolean() ? page : lines(page));
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && text.length() > 0; m++) {
            int at = random.nextInt(text.length());
            int end = Math.min(text.length(), at + 1 + random.nextInt(200));
            switch (random.nextInt(7)) {
                case 0 -> text.delete(at, end);
                case 1 -> text.insert(at, noise(1 + random.nextInt(20)));
                case 2 -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                case 3 -> text.insert(at, text.substring(at, end));
                case 4 -> text.setLength(at);
                case 5 -> text.insert(at, random.nextBoolean() ? "99999999999999999999" : "-1");
                default -> text.insert(at, random.nextBoolean() ? "</td></tr><tr><th>M</th><th>Client" : "\nScoreboard: ");
            }
        }
        return text.toString();
    }

    private String lines(String page) {
        String[] lines = page.split("\n", -1);
        int from = random.nextInt(lines.length);
        int to = Math.min(lines.length, from + 1 + random.nextInt(60));
        return String.join("\n", Arrays.copyOfRange(lines, from, to));
    }

    private String noise(int length) {
        StringBuilder noise = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            noise.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return noise.toString();
    }

    private static List<String> capturedPages() {
        List<String> pages = new ArrayList<>();
        for (String dir : List.of("src/test/resources/captured/apache", "src/test/resources/captured/phpmail")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches(".*(auto.*\\.txt|\\.html)")).toList()) {
                    pages.add(Files.readString(file));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return pages;
    }
}
