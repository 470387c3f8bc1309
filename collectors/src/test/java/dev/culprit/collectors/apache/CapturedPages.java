package dev.culprit.collectors.apache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The pages scripts/capture/apache-status.sh read from a real Apache, and when each was read. */
final class CapturedPages {

    static final Path APACHE = Path.of("src/test/resources/captured/apache");

    private CapturedPages() {}

    static String text(String file) {
        try {
            return Files.readString(APACHE.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Epoch millis at which the capture had read the whole response for {@code file} (times.txt). */
    static long readAt(String file) {
        return readTimes().get(file);
    }

    private static Map<String, Long> readTimes() {
        Map<String, Long> times = new HashMap<>();
        for (String line : text("times.txt").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split("\t");
                times.put(f[0], Long.parseLong(f[2]));
            }
        }
        return times;
    }
}
