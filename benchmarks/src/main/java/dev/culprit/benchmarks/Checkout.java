package dev.culprit.benchmarks;

import dev.culprit.collectors.LogKind;
import dev.culprit.collectors.config.CollectorConfig;
import dev.culprit.collectors.tail.SavedLog;
import dev.culprit.events.Event;
import dev.culprit.rules.RuleSet;
import dev.culprit.rules.files.RuleFiles;
import dev.culprit.storage.EventArchive;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The Culprit checkout the benchmarks take their input from, read where it lies rather than copied
 * into the build: the collectors' captured files (real lines from real Apache, PHP and kernels),
 * the shipped rule files and the shipped demo scenarios.
 */
final class Checkout {

    /** {@code -Dculprit.checkout}, else the working directory (scripts/bench-jmh.sh runs from the root). */
    private static final Path ROOT = Path.of(System.getProperty("culprit.checkout", "."));
    private static final Path CAPTURED = ROOT.resolve("collectors/src/test/resources/captured");

    private Checkout() {}

    /** A captured file, by its path under {@code collectors/src/test/resources/captured}. */
    static Path captured(String relative) {
        Path file = CAPTURED.resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: run from the root of a Culprit checkout"
                    + " or pass -Dculprit.checkout=DIR");
        }
        return file;
    }

    /** A captured log's lines, gzipped or not, read as the collector's one-shot reader opens it. */
    static List<String> lines(String relative) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(SavedLog.text(captured(relative)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every captured file under {@code folder} that {@code wanted} picks, in path order. */
    static List<Path> capturedFiles(String folder, Predicate<Path> wanted) {
        try (Stream<Path> files = Files.walk(captured(folder))) {
            return files.filter(Files::isRegularFile).filter(wanted).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules directory as the app loads it: the shipped {@code rules/*.yaml}. */
    static RuleSet shippedRules() {
        return RuleFiles.load(ROOT.resolve("rules"));
    }

    /** A shipped demo scenario (scripts/capture/incident-archives.sh), as {@code culprit demo} plays it, in event-time order. */
    static List<Event> scenario(String name) {
        Path archive = ROOT.resolve("app/src/main/resources/scenarios").resolve(name + ".jsonl.gz");
        List<Event> events = new ArrayList<>(EventArchive.read(archive));
        events.sort(Comparator.comparingLong(Event::ts));
        return events;
    }

    /** A captured log's events as {@code culprit collect --once} makes them: parsed, aggregated at the edge, in event-time order. */
    static List<Event> collectedOnce(LogKind kind, String relative, String host) {
        List<Event> events = new ArrayList<>();
        try (var log = kind.saved(captured(relative), new CollectorConfig(host, null, null, null), host, Clock.systemUTC())) {
            log.readToEnd((batch, positions) -> events.addAll(batch));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        events.sort(Comparator.comparingLong(Event::ts));
        return events;
    }
}
