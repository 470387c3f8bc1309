package dev.culprit.events.text;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and sizes as operators write them, the same in rule files, collector configs and
 * command-line flags: {@code 500ms}, {@code 20s}, {@code 5m}, {@code 2h}, {@code 7d};
 * {@code 512KiB}, {@code 256MiB}, {@code 2GiB}.
 */
public final class Durations {

    /** The units, as messages list them. */
    public static final String UNITS = "ms, s, m, h, d";

    /** Twelve digits at most: a number that could overflow a long is a typo, not a duration. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

    private Durations() {}

    /** The duration {@code text} writes; empty when it is not one. */
    public static Optional<Duration> read(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    /** The duration {@code text} writes, or an error that says how to write one. */
    public static Duration parse(String text) {
        return read(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not a duration: write a number and a unit (" + UNITS + "), e.g. 20s"));
    }

    /** The shortest way to write {@code millis} that {@link #read} reads back. */
    public static String of(long millis) {
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        } else if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        } else if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    /** A size in bytes: {@code 512KiB}, {@code 256MiB}, {@code 2GiB}, or plain bytes. */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: write e.g. 256MiB, 2GiB or a number of bytes");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
            case "KiB" -> n << 10;
            case "MiB" -> n << 20;
            case "GiB" -> n << 30;
            default -> n;
        };
    }
}
