package dev.culprit.collectors.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One scenario captured by scripts/capture/disk-load.sh: snapshots {@code t0}, {@code t1}, ...
 * of {@code /proc} about a second apart, and {@code PIDS.txt} saying which pid plays which role
 * (pids change on every capture, so tests ask for roles).
 */
final class CapturedScenario {

    static final Path CAPTURED = Path.of("src/test/resources/captured/proc");

    private final Path dir;
    private final Map<String, Integer> pids = new HashMap<>();

    private CapturedScenario(Path dir) {
        this.dir = dir;
        for (String line : lines(dir.resolve("PIDS.txt"))) {
            String[] f = line.split("\t");
            if (!line.startsWith("#") && f.length == 3) {
                pids.put(f[0], Integer.parseInt(f[1]));
            }
        }
    }

    static CapturedScenario named(String name) {
        return new CapturedScenario(CAPTURED.resolve(name));
    }

    int pid(String role) {
        Integer pid = pids.get(role);
        if (pid == null) {
            throw new IllegalArgumentException(dir + "/PIDS.txt has no role " + role + "; it has " + pids.keySet());
        }
        return pid;
    }

    Path snapshot(String name) {
        return dir.resolve(name);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Points {@code link} at a snapshot, as if the host's {@code /proc} had moved on to it. */
    void show(String snapshot, Path link) {
        pointAt(link, snapshot(snapshot));
    }

    static void pointAt(Path link, Path procRoot) {
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, procRoot.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A writable copy of a snapshot, for tests that change what the host shows. */
    Path copy(String snapshot, Path target) {
        return copyTree(snapshot(snapshot), target);
    }

    static Path copyTree(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        return read(file).lines().toList();
    }
}
