package dev.culprit.collectors.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.culprit.events.ProcessIoSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated {@code stat} and {@code io} contents, starting from every real one captured.
 * A parser may refuse with {@link IllegalArgumentException} (the sampler then skips that one
 * process); nothing else may escape. Fixed seeds, so a failure replays.
 */
class ProcFilesFuzzTest {

    private static final String PALETTE = "0123456789 ()\n\t\0:-+_xyzRSDZ)(é\uFFFD/";

    @TempDir
    Path tmp;

    @Test
    void twoHundredThousandMangledFilesAreParsedOrRefusedNeverThrownAt() throws IOException {
        List<String> stats = captured("stat");
        List<String> ios = captured("io");
        Random random = new Random(20261129);
        int refused = 0;
        for (int i = 0; i < 200_000; i++) {
            boolean stat = i % 2 == 0;
            String input = mangle(random, stat ? stats : ios);
            try {
                if (stat) {
                    ProcStat.parse(input);
                } else {
                    ProcIo.parse(input);
                }
            } catch (IllegalArgumentException expected) {
                refused++;
            } catch (RuntimeException e) {
                fail("round " + i + ": " + e + " on " + (stat ? "stat" : "io") + " content: " + input.replace("\0", "\\0"), e);
            }
        }
        assertThat(refused).as("mutations both break and keep files").isBetween(20_000, 190_000);
    }

    @Test
    void aBystanderWithMangledFilesNeverHidesDdFromTheSampler() throws IOException {
        CapturedScenario ddWrite = CapturedScenario.named("dd-write");
        Path t0 = ddWrite.copy("t0", tmp.resolve("t0"));
        Path t1 = ddWrite.copy("t1", tmp.resolve("t1"));
        Path proc = tmp.resolve("proc");
        String bystander = Integer.toString(ddWrite.pid("cpu-bystander-sha256sum"));
        List<String> stats = captured("stat");
        List<String> ios = captured("io");
        ProcessSampler sampler = new ProcessSampler(proc, "vm", Clock.systemUTC());
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            for (Path root : List.of(t0, t1)) {
                Files.writeString(root.resolve(bystander + "/stat"), mangle(random, stats), StandardCharsets.UTF_8);
                Files.writeString(root.resolve(bystander + "/io"), mangle(random, ios), StandardCharsets.UTF_8);
                CapturedScenario.pointAt(proc, root);
                List<ProcessIoSample> samples = sampler.sample();
                if (root.equals(t1)) {
                    assertThat(samples).as("round " + round).filteredOn(s -> s.comm().equals("dd"))
                            .singleElement().satisfies(dd -> assertThat(dd.writeBytesPerSec()).isCloseTo(870_346_752, within(1e-6)));
                }
            }
        }
        assertThat(sampler.unparseableProcesses()).isPositive();
    }

    private static String mangle(Random random, List<String> seeds) {
        StringBuilder s = new StringBuilder(random.nextInt(20) == 0
                ? randomText(random, random.nextInt(400))
                : seeds.get(random.nextInt(seeds.size())));
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && s.length() > 0; m++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(7)) {
                case 0 -> s.setLength(at);
                case 1 -> s.setCharAt(at, PALETTE.charAt(random.nextInt(PALETTE.length())));
                case 2 -> s.insert(at, List.of(")", "(", ") ", " (", "\n", "\0").get(random.nextInt(6)));
                case 3 -> s.insert(at, List.of("99999999999999999999", "-1", "2147483648", "1e5", "0x1f").get(random.nextInt(5)));
                case 4 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20)));
                case 5 -> s.insert(at, randomText(random, 1 + random.nextInt(10)));
                default -> s.replace(at, Math.min(s.length(), at + 1), " ");
            }
        }
        return s.toString();
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(PALETTE.charAt(random.nextInt(PALETTE.length())));
        }
        return s.toString();
    }

    /** Every captured file of that name under a pid directory. */
    private static List<String> captured(String name) throws IOException {
        try (Stream<Path> files = Files.walk(CapturedScenario.CAPTURED)) {
            return files.filter(f -> f.getFileName().toString().equals(name))
                    .filter(f -> f.getParent().getFileName().toString().matches("\\d+"))
                    .map(CapturedScenario::read)
                    .toList();
        }
    }
}
